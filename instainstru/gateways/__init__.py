"""Clients for the outside services the app talks to (Stripe), behind small interfaces the services use."""
