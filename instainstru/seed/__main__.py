"""`python -m instainstru.seed`: fill an empty database with the demo data and print the logins."""

from instainstru.seed.demo import demo_logins_text, seed_if_empty

summary = seed_if_empty()
if summary is None:
    print("Database already has accounts: demo data not added.")
else:
    print(f"Demo data added: {summary.admins} admin, {summary.instructors} instructors, {summary.students} students.")
print(demo_logins_text())
