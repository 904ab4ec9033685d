"""Money in integer cents: prices and fees, card payments, saved cards and their messages, credits and their
top-ups, the ledger, billing and receipts, payouts, Stripe webhooks.
"""
