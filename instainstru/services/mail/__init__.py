"""Mail: the outbox (every message written with the event that causes it, sent by the jobs through the SMTP
gateway, retried with back-off, failures kept for an admin) and the messages' templates.
"""
