"""Trust and growth: verified reviews and referral credits."""
