"""People's words shown to others (issue 16, XSS): every text column of the tables has an entry in user_text.py (a
new one without its case fails here), each payload planted through its service is stored as typed, what a service
refuses (markup in names and addresses, script links as meeting links) is refused, and mail escapes it all.
tests/browser/test_xss.py opens the pages."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape
from sqlmodel import SQLModel, col, select

import instainstru.models  # noqa: F401  (registers every table)
from instainstru.db import transaction
from instainstru.models import OutboxMessage
from instainstru.services.accounts import account_settings, accounts
from instainstru.services.booking import booking, checkout
from instainstru.services.errors import FormError
from instainstru.services.instructors import offerings, profile
from tests.factories import PASSWORD
from tests.security import xss_world
from tests.security.user_text import FIELDS, PAGES, SCRIPT, Copied, Written, written
from tests.security.xss_world import ZONE, Planted, payload, plant

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
STUDENT = payload("users.email")
TEACHER = "xss-teacher@example.com"


def text_columns() -> set[str]:
    """Every column of the app's tables that holds text (strings, or JSON that may hold strings)."""
    return {
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.String | sa.JSON)
    }


def test_every_text_column_has_an_entry_and_every_entry_a_column():
    columns = text_columns()
    assert sorted(columns - set(FIELDS)) == [], "text columns without an XSS case or a reason in user_text.FIELDS"
    assert sorted(set(FIELDS) - columns) == [], "user_text.FIELDS entries naming no column"


def test_every_entry_is_complete():
    for column, entry in FIELDS.items():
        if isinstance(entry, Copied):
            assert entry.sources and all(isinstance(FIELDS[s], Written) for s in entry.sources), column
        if isinstance(entry, Written):
            assert entry.pages and set(entry.pages) <= set(PAGES), column
    assert {page for entry in written().values() for page in entry.pages} == set(PAGES)  # no page left unvisited


@pytest.fixture
def planted(db_url) -> Planted:
    return plant(NOW, STUDENT, TEACHER)


def stored(column: str) -> list[object]:
    table, name = column.split(".")
    with transaction() as session:
        return list(session.execute(sa.select(SQLModel.metadata.tables[table].c[name])).scalars())


def test_every_payload_is_stored_as_typed(planted):
    for column in written():
        expected: object = payload(column)
        if column == "instructor_profiles.languages":  # typed comma-separated, kept as a list
            expected = [language.strip() for language in payload(column).split(",")]
        assert expected in stored(column), column
    lessons_ahead = [id for key, id in planted.lessons.items() if key != "past"]
    with transaction() as session:
        notes = session.execute(sa.text("SELECT id, student_note, reason FROM bookings")).all()
    assert {id for id, note, _ in notes if note == payload("bookings.student_note")} == set(lessons_ahead)
    assert sum(reason == payload("bookings.reason") for _, _, reason in notes) == 2  # a cancellation, a decline


def _fresh_hold(planted: Planted) -> int:
    services = [o.id for o in offerings.list_offerings(planted.instructor) if o.subject_key == "guitar"]
    start = datetime.combine(NOW.date() + timedelta(days=20), datetime.min.time(), UTC) + timedelta(hours=15)
    return booking.create_booking(planted.student, services[0], 60, start, NOW).id


def _address(planted: Planted, **typed: str) -> None:
    choice = checkout.PlaceChoice(kind="student_home", address=xss_world.student_address())
    for field, value in typed.items():
        setattr(choice.address, field, value)
    checkout.choose_place(planted.student, _fresh_hold(planted), choice, None, NOW)


def _rename(planted: Planted, typed: str) -> None:
    account_settings.save_profile(planted.student, account_settings.Profile(name=typed, timezone=ZONE))


def _service_link(planted: Planted, typed: str) -> None:
    link = offerings.ServiceExtras(meeting_url=typed)
    offerings.add_offering(planted.instructor, "violin", ["beginner"], ["adults"], ["online"], {60: "50"}, link)


# How each refusing field's owner types a refused payload (FormError expected).
REFUSING: dict[str, Callable[[Planted, str], object]] = {
    "users.name": _rename,
    "users.email": lambda p, typed: accounts.sign_up("Mallory", typed, PASSWORD, "student", ZONE),
    "instructor_profiles.meeting_url": lambda p, typed: profile.save_profile(
        p.instructor, xss_world.teaching_profile(meeting_url=typed)
    ),
    "offerings.meeting_url": _service_link,
    "student_addresses.street": lambda p, typed: _address(p, street=f"12 Court St {typed}"),
    "student_addresses.apt": lambda p, typed: _address(p, apt=typed),
}


def test_markup_in_names_addresses_and_links_is_refused_and_nothing_saved(planted):
    refusing = {column: entry for column, entry in written().items() if entry.refused}
    assert sorted(refusing) == sorted(REFUSING)
    for column, entry in refusing.items():
        before = stored(column)
        for typed in entry.refused:
            with pytest.raises(FormError):
                REFUSING[column](planted, typed)
            assert stored(column) == before, (column, typed)
    with pytest.raises(FormError):  # signing up with markup in the name, too
        accounts.sign_up(f"Eve {SCRIPT}", "m@example.com", PASSWORD, "student", ZONE)


def test_mail_quoting_peoples_words_escapes_them_in_html_and_keeps_them_in_text(planted):
    with transaction() as session:
        mails = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    for column, entry in written().items():
        for kind in entry.mails:
            quoting = [m for m in mails if m.kind == kind and entry.payload in m.text_body]
            assert quoting, (column, kind, sorted({m.kind for m in mails}))
    for mail in mails:
        for column, entry in written().items():
            escaped = str(escape(entry.payload))
            if entry.payload in mail.text_body:
                assert escaped in mail.html_body, (mail.kind, column)
            assert entry.payload == escaped or entry.payload not in mail.html_body, (mail.kind, column)
        assert "<script" not in mail.html_body and "onerror=" not in mail.html_body.replace("onerror=&#34;", "")
        assert "49" not in mail.subject
