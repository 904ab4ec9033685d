"""Tests of the payment gateway test infrastructure (the fake Stripe with Connect)."""
