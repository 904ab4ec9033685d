"""InstaInstru: a marketplace where students find, book and pay lesson instructors."""
