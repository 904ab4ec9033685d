"""Messages from templates: a plain-text and an HTML Jinja2 template per kind, over a shared layout.

`instainstru/templates/mail/<kind>.txt` sets the subject (`{% set subject = ... %}`) and writes the text;
`<kind>.html` writes the same in HTML (escaped: autoescape is on for HTML only). Both extend `layout.txt` /
`layout.html`. Every template sees `recipient` (name, first name, zone) and these helpers, so amounts and times
read the way the pages say them:

- `cents | money` ("$65", "$62.50") and `cents | exact_money` ("$62.50", "$65.00"), from services/money;
- `moment | when` ("Sat, Dec 5 · 10:00 AM EST"), `moment | clock` ("10:00 AM EST") and `moment | date`
  ("Jan 7, 2031"), in the recipient's zone, the zone named (but for a date), from services/timefmt;
  `length | span` ("an hour", "48 hours");
- `url(path)`: the absolute address of a path from instainstru/routes.py (PUBLIC_URL before it).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from instainstru import routes
from instainstru.models import User
from instainstru.services.money.money import format_exact, format_price
from instainstru.services.timefmt import date_label, slot_label, span, time_with_zone
from instainstru.settings import get_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"


class MailKind(StrEnum):
    """Every message the platform sends; each names its pair of templates."""

    PASSWORD_RESET = "password_reset"
    SIGNUP_LINK = "signup_link"  # sign-up with a new address: the link that creates the account
    SIGNUP_ATTEMPT = "signup_attempt"  # sign-up with an address in use: its owner is told someone tried
    WELCOME_VERIFY = "welcome_verify"  # an account made at once (scripts, tests): welcome, and confirm the address
    VERIFY_EMAIL = "verify_email"  # confirm the address again (resent from the banner)
    CONFIRM_NEW_EMAIL = "confirm_new_email"  # to a new address: confirm it, and the account changes to it
    EMAIL_CHANGE_NOTICE = "email_change_notice"  # to the old address: a change was asked for
    BOOKING_CONFIRMED = "booking_confirmed"  # the student's instant booking, paid: receipt and invitation
    REQUEST_ACCEPTED = "request_accepted"  # the student's request accepted and charged: receipt and invitation
    LESSON_BOOKED = "lesson_booked"  # the instructor's new lesson (booked, or a request they accepted)
    REQUEST_RECEIVED = "request_received"  # the instructor has a request to answer
    REQUEST_DECLINED = "request_declined"  # the student's request declined (with the instructor's reason)
    REQUEST_EXPIRED = "request_expired"  # the student's request unanswered in time
    LESSON_CANCELLED = "lesson_cancelled"  # either side: who cancelled, the refund and where it goes
    LESSON_MOVED = "lesson_moved"  # either side: the old and the new time
    REVIEW_LESSON = "review_lesson"  # the student's lesson completed: review it
    LESSON_REMINDER = "lesson_reminder"  # either side: the lesson is a day or an hour away
    REVIEW_PUBLISHED = "review_published"  # the instructor: a review of them is now public on their profile
    REVIEW_REPLIED = "review_replied"  # the student: the instructor answered their review
    PAYOUTS_CONNECTED = "payouts_connected"  # the instructor: Stripe takes charges and pays out, students can book
    PAYOUTS_UNFINISHED = "payouts_unfinished"  # the instructor: Stripe needs more before it pays out (finish it)
    REFERRAL_REWARD = "referral_reward"  # the referrer: a friend's first lesson is done and paid, a credit earned
    NEW_MESSAGE = "new_message"  # a message unread 10 minutes after it was sent (at most one a conversation an hour)
    PROFILE_APPROVED = "profile_approved"  # the instructor: an admin approved the profile, search lists it
    PROFILE_CHANGES = "profile_changes"  # the instructor: an admin asks for changes before approving (the message)
    REVIEW_HIDDEN = "review_hidden"  # the student: an admin hid their review (the reason)
    REVIEW_RESTORED = "review_restored"  # the student: an admin showed their hidden review again (the reason)


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: the address, and what the message says to them in their own zone."""

    address: str
    name: str
    timezone: str
    user_id: int | None = None

    @classmethod
    def of(cls, user: User) -> "Recipient":
        """The recipient for an account."""
        return cls(user.email, user.name, user.timezone, user.id)

    @property
    def first_name(self) -> str:
        """How a message greets them."""
        return self.name.split()[0] if self.name.strip() else "there"


@dataclass(frozen=True)
class Rendered:
    """A message as it will be sent: its subject and both bodies."""

    subject: str
    text: str
    html: str


def url(path: str) -> str:
    """The absolute address of an app path (`routes.HOME`, `routes.reset_password(token)`...)."""
    return f"{get_settings().public_url}{path}"


@pass_context
def _when(context: Context, moment: datetime) -> str:
    return slot_label(moment, context["recipient"].timezone)


@pass_context
def _clock(context: Context, moment: datetime) -> str:
    return time_with_zone(moment, context["recipient"].timezone)


@pass_context
def _date(context: Context, moment: datetime) -> str:
    return date_label(moment, context["recipient"].timezone)


@cache
def environment(html: bool) -> Environment:
    """The Jinja2 environment of the HTML templates (autoescaped) or of the text ones, made once per process."""
    made = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,  # a missing value is an error, never an empty gap in a sent message
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    made.filters.update(money=format_price, exact_money=format_exact, when=_when, clock=_clock, date=_date, span=span)
    made.globals.update(url=url, home=routes.HOME)
    return made


def render(kind: MailKind, to: Recipient, **values: object) -> Rendered:
    """The message of `kind` for `to`, filled with `values` (StrictUndefined: every name its templates use)."""
    text = environment(html=False).get_template(f"{kind}.txt").make_module({"recipient": to, **values})
    subject = " ".join(str(vars(text)["subject"]).split())  # the text template's `{% set subject = ... %}`
    html = environment(html=True).get_template(f"{kind}.html").render(recipient=to, subject=subject, **values)
    return Rendered(subject=subject, text=str(text), html=html)
