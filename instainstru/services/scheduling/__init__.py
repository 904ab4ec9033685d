"""When an instructor can be booked: the slot engine, weekly hours, dates off and booking rules, and the calendars
built from them.
"""
