"""Every text column of the app's tables, each with what it is: text a person writes that someone else sees
(`Written`, with the strongest payload its service accepts and the pages it shows on), text the app composes from
those (`Copied`), or text that is not a person's words shown to others (`Unshown`, with why).

tests/security/test_user_text.py fails on a text column of the tables without an entry (a new field needs its XSS
case), plants every `Written` payload through its service as the field's real owner (`xss_world.py`), checks it is
stored as typed, that what a service refuses is refused, and that mail escapes it; tests/browser/test_xss.py opens
every page listed here as the other party and checks nothing runs and the text shows as typed.
"""

import dataclasses

# The payloads: each sets window.__xss if a page ever runs it.
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
JS_URL = "javascript:window.__xss=1"
MARKDOWN = "[x](javascript:window.__xss=1) ![x](x)"
TEMPLATE = "{{7*7}} ${7*7}"  # a template engine evaluating user text would show 49
ATTRIBUTE = "\" onmouseover=\"window.__xss=1' onfocus='window.__xss=1"  # out of a quoted attribute, without < >
EVERY = f"{SCRIPT} {IMG} {SVG} {JS_URL} {MARKDOWN} {TEMPLATE}"  # for fields that take anything

# The pages (tests/browser/test_xss.py visits each once, as the one named): who looks, and where.
PROFILE = "public profile (visitor)"
SEARCH = "search results (visitor)"
STUDENT_LESSONS = "student's lessons"
STUDENT_CHAT = "conversation (student)"
REQUESTS = "instructor's bookings and requests"
INSTRUCTOR_HOME = "instructor's dashboard"
INSTRUCTOR_CHAT = "conversation (instructor)"
ADMIN_HOME = "admin home"
ADMIN_CHAT = "reported conversation (admin)"
ADMIN_MODERATION = "moderation queue (admin)"
ADMIN_PERSON = "a student's page (admin)"
DEV_MAIL = "caught mail (demo)"
PAGES = (
    PROFILE,
    SEARCH,
    STUDENT_LESSONS,
    STUDENT_CHAT,
    REQUESTS,
    INSTRUCTOR_HOME,
    INSTRUCTOR_CHAT,
    ADMIN_HOME,
    ADMIN_CHAT,
    ADMIN_MODERATION,
    ADMIN_PERSON,
    DEV_MAIL,
)


@dataclasses.dataclass(frozen=True)
class Written:
    """Text a person writes that others see: `writer` (their role) saves it through `service`; `payload` is the
    strongest the service accepts (planted as typed), `refused` what it refuses (a markup character, a script
    link); `pages` where the other party (or a visitor, an admin) is shown it, `mails` the mail kinds quoting it."""

    writer: str
    service: str
    payload: str
    pages: tuple[str, ...]
    mails: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Copied:
    """Text the app composes from `sources` (Written columns) and shows: covered by their cases."""

    sources: tuple[str, ...]
    reason: str


@dataclasses.dataclass(frozen=True)
class Unshown:
    """Not a person's words shown to someone else: why."""

    reason: str


NAME = f"Eve {ATTRIBUTE} {JS_URL} {TEMPLATE}"  # names refuse < and > (accounts.name_problem)
STREET = f"12 Court St {ATTRIBUTE} [x](javascript:window.__xss=1)"  # addresses refuse < > { }
SYSTEM = "written by the app, not typed by a person"
SECRET = "a secret or its hash, never shown"
OWN = "shown only to the person it belongs to"
CHOICE = "one of the app's fixed values, checked by its service"

FIELDS: dict[str, Written | Copied | Unshown] = {
    # People's words.
    "users.name": Written(
        "student, instructor",
        "accounts.sign_up, account_settings.save_profile, profile.save_profile",
        NAME,
        (
            PROFILE,
            SEARCH,
            STUDENT_LESSONS,
            STUDENT_CHAT,
            REQUESTS,
            INSTRUCTOR_CHAT,
            ADMIN_HOME,
            ADMIN_CHAT,
            ADMIN_MODERATION,
            ADMIN_PERSON,
        ),
        refused=(SCRIPT, IMG, SVG),
    ),
    "users.email": Written(
        "student, instructor",
        "accounts.sign_up",
        "eve'onfocus='window.__xss=1'{{7*7}}${7*7}@example.com",
        (ADMIN_HOME, ADMIN_PERSON),
        refused=(f'"{SVG}"@example.com',),
    ),
    "instructor_profiles.headline": Written(
        "instructor", "profile.save_profile", f"xss-headline {IMG} {SVG} {TEMPLATE}", (PROFILE, SEARCH)
    ),
    "instructor_profiles.bio": Written("instructor", "profile.save_profile", f"xss-bio {EVERY}", (PROFILE,)),
    "instructor_profiles.languages": Written(
        "instructor", "profile.save_profile", "<svg onload=window.__xss=1>, {{7*7}} ${7*7}", (PROFILE,)
    ),
    "instructor_profiles.studio_address": Written(
        "instructor",
        "profile.save_profile",
        f"{IMG} {SVG} {TEMPLATE} 210 7th Ave, Brooklyn, NY 11215",  # must end with its ZIP
        (STUDENT_LESSONS,),
    ),
    "instructor_profiles.meeting_url": Written(
        "instructor",
        "profile.save_profile",
        "https://meet.example.com/xss-profile?next=javascript:window.__xss=1&t={{7*7}}${7*7}",
        (STUDENT_LESSONS,),
        refused=(JS_URL, f"https://meet.example.com/{SVG}", 'https://meet.example.com/" onmouseover="x'),
    ),
    "offerings.meeting_url": Written(
        "instructor",
        "offerings.add_offering",
        "https://meet.example.com/xss-service?next=javascript:window.__xss=1&t={{7*7}}${7*7}",
        (STUDENT_LESSONS,),
        refused=(JS_URL, f"https://meet.example.com/{SVG}"),
    ),
    "bookings.student_note": Written(
        "student",
        "checkout.write_note",
        f"xss-note {EVERY}",
        (REQUESTS, INSTRUCTOR_HOME, DEV_MAIL),
        mails=("lesson_booked", "request_received"),
    ),
    "bookings.reason": Written(
        "instructor",
        "requests.decline_request, cancellation.cancel",
        f"xss-reason {EVERY}",
        (STUDENT_LESSONS, DEV_MAIL),
        mails=("request_declined", "lesson_cancelled"),
    ),
    "student_addresses.street": Written(
        "student", "checkout.choose_place", STREET, (REQUESTS,), refused=(SCRIPT, IMG, SVG, TEMPLATE)
    ),
    "student_addresses.apt": Written(
        "student", "checkout.choose_place", "' onfocus='window.__xss=1", (REQUESTS,), refused=(SVG,)
    ),
    "reviews.text": Written(
        "student",
        "reviews.write_review",
        f"xss-review {EVERY}",
        (PROFILE, DEV_MAIL, ADMIN_MODERATION, ADMIN_PERSON),
        mails=("review_published",),
    ),
    "reviews.reply": Written(
        "instructor", "reviews.reply", f"xss-reply {EVERY}", (PROFILE, DEV_MAIL), mails=("review_replied",)
    ),
    "messages.body": Written(
        "student, instructor",
        "conversations.send",
        f"xss-message {EVERY}",
        (STUDENT_CHAT, INSTRUCTOR_CHAT, ADMIN_CHAT, DEV_MAIL),
        mails=("new_message",),
    ),
    "conversation_reports.reason": Written(
        "student", "safety.report", f"xss-report {EVERY}", (ADMIN_HOME, ADMIN_MODERATION, ADMIN_PERSON)
    ),
    "review_reports.reason": Written("student", "reviews.report", f"xss-review-report {EVERY}", (ADMIN_MODERATION,)),
    # What the app composes from people's words.
    "bookings.place_address": Copied(
        ("student_addresses.street", "student_addresses.apt", "instructor_profiles.studio_address"),
        "the lesson's place, copied from the student's address or the studio's at checkout",
    ),
    "notifications.title": Copied(("users.name",), "the bell's line, naming the other person"),
    "mail_outbox.subject": Copied(("users.name",), "mail, checked escaped by test_user_text"),
    "mail_outbox.text_body": Copied(
        ("users.name", "bookings.student_note", "bookings.reason", "reviews.text", "reviews.reply", "messages.body"),
        "plain text mail (never rendered as HTML; /dev/mail shows it as text)",
    ),
    "mail_outbox.html_body": Copied(
        ("users.name", "bookings.student_note", "bookings.reason", "reviews.text", "reviews.reply", "messages.body"),
        "mail, checked escaped by test_user_text",
    ),
    "mail_outbox.ics": Copied(
        ("users.name", "bookings.student_note", "student_addresses.street", "instructor_profiles.studio_address"),
        "a calendar file: text in iCalendar, never HTML",
    ),
    # Not people's words shown to others.
    "blackouts.note": Unshown("the instructor's own note on their days off, shown only on their availability page"),
    "reviews.hidden_reason": Unshown("an admin's reason for hiding a review, shown (as text) to its author only"),
    "instructor_profiles.changes_asked": Unshown(
        "an admin's message to an instructor about their own profile: the approval queue (admins) and their mail"
    ),
    "admin_actions.reason": Unshown("an admin's reason for an action, kept for the admins' audit log"),
    "admin_actions.detail": Unshown("what an admin action changed, composed by the admin services from figures"),
    "login_failures.email": Unshown("what someone typed at a failed login, counted for throttling, never shown"),
    "login_failures.client": Unshown("the client's address, counted for throttling, never shown"),
    "email_links.email": Unshown("a new address waiting for its confirmation, shown only to the account's owner"),
    "payments.failure_message": Unshown("Stripe's words for a declined card, shown to the paying student only"),
    "referrals.reason": Unshown(SYSTEM),
    "referrals.client": Unshown("the sign-up's client address, counted by the referral limits, never shown"),
    "credits.withheld": Unshown(SYSTEM),
    "referral_codes.code": Unshown("generated by the app (referrals._new_code)"),
    "instructor_profiles.slug": Unshown("made by the app from the name, letters and dashes only"),
    "instructor_profiles.photo": Unshown("the photo's name, made by the app (services/instructors/photos.py)"),
    "photos.name": Unshown("made by the app: the user id and a random token (services/instructors/photos.py)"),
    "instructor_profiles.area_base_name": Unshown("a gazetteer place name (geo.find_place), not the typed text"),
    "instructor_profiles.area_neighbourhoods": Unshown("gazetteer neighbourhood names, unknown ones refused"),
    "instructor_profiles.borough": Unshown(CHOICE),
    "instructor_profiles.weekly_hours": Unshown("minutes, numbers only"),
    "instructor_profiles.rating_histogram": Unshown("counts, numbers only"),
    "instructor_profiles.stripe_account_id": Unshown("Stripe's id"),
    "bookings.place_area": Unshown("a gazetteer neighbourhood or borough name"),
    "bookings.status": Unshown(CHOICE),
    "bookings.moved_by": Unshown(CHOICE),
    "bookings.closed_by": Unshown(CHOICE),
    "bookings.proposal_status": Unshown(CHOICE),
    "bookings.reminded": Unshown(CHOICE),
    "bookings.place_kind": Unshown(CHOICE),
    "student_addresses.zip_code": Unshown("five digits, checked against the gazetteer"),
    "student_addresses.borough": Unshown(CHOICE),
    "area_boroughs.borough": Unshown(CHOICE),
    "word_starts.start": Unshown("the first letters of a word of a name, headline or bio, looked up by search only"),
    "offerings.subject_key": Unshown("a catalogue subject, unknown ones refused"),
    "offerings.levels": Unshown(CHOICE),
    "offerings.age_groups": Unshown(CHOICE),
    "offerings.location_types": Unshown(CHOICE),
    "offerings.status": Unshown(CHOICE),
    "date_overrides.intervals": Unshown("minutes, numbers only"),
    "users.role": Unshown(CHOICE),
    "users.timezone": Unshown("an IANA zone name, unknown ones refused"),
    "users.password_hash": Unshown(SECRET),
    "users.stripe_customer_id": Unshown("Stripe's id"),
    "auth_sessions.token_hash": Unshown(SECRET),
    "auth_sessions.device": Unshown("fixed words the app picks from the browser's User-Agent, shown to its owner only"),
    "auth_sessions.notices": Unshown("the app's own toasts to show once after logging in, to the session's owner"),
    "sign_in_tickets.token_hash": Unshown(SECRET),
    "pending_signups.name": Copied(
        ("users.name",), "the name typed at sign-up, under users.name's rules; shown on the link's page, then the name"
    ),
    "pending_signups.email": Unshown("the address typed at sign-up, shown on the link's page only that mailbox opens"),
    "pending_signups.role": Unshown(CHOICE),
    "pending_signups.timezone": Unshown("an IANA zone name, unknown ones refused"),
    "pending_signups.password_hash": Unshown(SECRET),
    "pending_signups.referral_code": Unshown("a referral code typed at sign-up, looked up, never shown"),
    "pending_signups.client": Unshown("the client's address, counted for throttling, never shown"),
    "pending_signups.token_hash": Unshown(SECRET),
    "signup_requests.email": Unshown("an address typed at sign-up, counted for throttling, never shown"),
    "signup_requests.client": Unshown("the client's address, counted for throttling, never shown"),
    "sign_in_tickets.target": Unshown("the page to go to after logging in (a path on this site), never shown"),
    "sign_in_tickets.notices": Unshown("the app's own toasts carried to the page after logging in, to its owner"),
    "calendar_feeds.token_hash": Unshown(SECRET),
    "email_links.token_hash": Unshown(SECRET),
    "password_resets.token_hash": Unshown(SECRET),
    "login_challenges.token_hash": Unshown(SECRET),
    "trusted_devices.token_hash": Unshown(SECRET),
    "recovery_codes.code_hash": Unshown(SECRET),
    "two_factor.secret": Unshown(SECRET),
    "admin_actions.action": Unshown(CHOICE),
    "notifications.event": Unshown(SYSTEM),
    "notifications.kind": Unshown(CHOICE),
    "notifications.link": Unshown("a path from routes.py"),
    "mail_outbox.event": Unshown(SYSTEM),
    "mail_outbox.kind": Unshown(CHOICE),
    "mail_outbox.recipient": Unshown("the address mail goes to; admins see addresses of failed mail (users.email)"),
    "mail_outbox.status": Unshown(CHOICE),
    "mail_outbox.last_error": Unshown("the mail server's answer, shown to admins"),
    "payment_cards.stripe_payment_method_id": Unshown("Stripe's id"),
    "payment_cards.brand": Unshown("Stripe's card brand"),
    "payment_cards.last4": Unshown(OWN),
    "payment_cards.fingerprint": Unshown("Stripe's card fingerprint, never shown"),
    "welcome_cards.fingerprint": Unshown("Stripe's card fingerprint, never shown"),
    "payments.stripe_payment_intent_id": Unshown("Stripe's id"),
    "payments.card_check": Unshown(CHOICE),
    "payments.status": Unshown(CHOICE),
    "payments.charge_id": Unshown("Stripe's id"),
    "payments.topup_transfer_id": Unshown("Stripe's id"),
    "ledger_entries.charge_id": Unshown("Stripe's id"),
    "ledger_entries.source": Unshown(SYSTEM),
    "ledger_entries.kind": Unshown(CHOICE),
    "ledger_entries.account": Unshown(CHOICE),
    "credits.kind": Unshown(CHOICE),
    "referrals.status": Unshown(CHOICE),
    "processed_events.id": Unshown("a Stripe event id, from a signed webhook"),
    "processed_events.type": Unshown("a Stripe event type, from a signed webhook"),
}


def written() -> dict[str, Written]:
    """The columns people write that others see, with their cases."""
    return {column: entry for column, entry in FIELDS.items() if isinstance(entry, Written)}


def shown_on(page: str) -> dict[str, Written]:
    """The written columns shown on `page`."""
    return {column: entry for column, entry in written().items() if page in entry.pages}
