"""Telling people what happened: one entry point (`notify`) that queues the mail and writes the bell's row in the
transaction of the event, the lesson events each service's move triggers (`lessons`), the reminders the jobs send
(`reminders`), and the bell's list for its owner (`bell`).
"""
