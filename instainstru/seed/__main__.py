"""`python -m instainstru.seed`: fill an empty database with the demo data and print the logins (refused with
PRODUCTION on: a production start never seeds)."""

import sys

from instainstru.seed.demo import demo_logins_text, seed_if_empty
from instainstru.settings import settings_or_exit

if settings_or_exit().production:
    sys.exit("error: PRODUCTION is on: demo data is never added to a production database.")
summary = seed_if_empty()
if summary is None:
    print("Database already has accounts: demo data not added.")
else:
    print(f"Demo data added: {summary.admins} admin, {summary.instructors} instructors, {summary.students} students.")
print(demo_logins_text())
