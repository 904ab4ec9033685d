"""Views visitors see are kept per worker, and a write to anything they show drops them at once: the catalogue's
version (models/changes.py) moves with every write to a shown table, through the ORM or a statement."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import Session, SQLModel, col, delete, insert, select, text, update

from instainstru.db import get_engine, transaction
from instainstru.models import AuthSession, Blackout, Booking, BookingStatus, CatalogChange, InstructorProfile
from instainstru.models.changes import SHOWN_TABLES
from instainstru.services import view_cache
from instainstru.services.discovery import search
from instainstru.services.discovery.search_filters import filters_from
from instainstru.services.instructors.instructors import instructor_id_for_slug, public_profile
from instainstru.services.scheduling.calendar import free_week
from instainstru.services.trust import reviews
from instainstru.settings import reset_settings
from tests.factories import make_booking, open_studio

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


@pytest.fixture
def caching(db_url, monkeypatch):
    """The cache on (the suite runs with it off), empty."""
    monkeypatch.setenv("VIEW_CACHE_SECONDS", "30")
    reset_settings()
    view_cache.forget_all()
    yield
    view_cache.forget_all()


def statements(action) -> int:
    """How many SQL statements `action()` runs."""
    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    event.listen(get_engine(), "before_cursor_execute", counted)
    try:
        action()
    finally:
        event.remove(get_engine(), "before_cursor_execute", counted)
    return count


def times(teacher) -> list[str]:
    """The first week's free starts, as the profile shows them."""
    return [t["iso"] for day in free_week(teacher.user_id, 60, "America/New_York", 0, now=NOW).days for t in day.times]


def test_a_kept_view_costs_one_read_and_a_booking_drops_it(caching):
    teacher, student, service = open_studio({60: "50"})
    first = times(teacher)
    assert statements(lambda: times(teacher)) == 1  # only the version: the week is kept
    start = datetime.fromisoformat(first[0])
    make_booking(teacher, student, service.id, start, BookingStatus.CONFIRMED)
    again = times(teacher)
    assert start.isoformat() not in again and len(again) < len(first)
    assert statements(lambda: times(teacher)) == 1


def test_each_caller_gets_its_own_copy(caching):
    teacher, _, _ = open_studio({60: "50"})
    week = free_week(teacher.user_id, 60, "America/New_York", 0, now=NOW)  # read and kept
    week.days.clear()
    kept = free_week(teacher.user_id, 60, "America/New_York", 0, now=NOW)  # from what was kept
    assert kept.days
    kept.days.clear()
    assert free_week(teacher.user_id, 60, "America/New_York", 0, now=NOW).days


def test_writes_to_shown_tables_move_the_version_and_others_do_not(caching):
    teacher, _, _ = open_studio({60: "50"})
    version = view_cache.catalogue_version()

    def moved(write) -> bool:
        nonlocal version
        before, version = version, (write(), view_cache.catalogue_version())[1]
        return version > before

    def add_blackout() -> None:
        with transaction() as session:
            session.add(Blackout(instructor_id=teacher.user_id, start_day=date(2026, 12, 1), end_day=date(2026, 12, 2)))

    def rename_headline() -> None:  # a statement, not an object
        with transaction() as session:
            session.exec(update(InstructorProfile).values(headline="New words"))

    def clear_blackouts() -> None:
        with transaction() as session:
            session.exec(delete(Blackout).where(col(Blackout.instructor_id) == teacher.user_id))

    def open_a_session() -> None:  # not shown to visitors
        with transaction() as session:
            session.add(
                AuthSession(
                    user_id=teacher.user_id, token_hash="x" * 64, created_at=NOW, expires_at=NOW + timedelta(days=1)
                )
            )

    assert moved(add_blackout) and moved(rename_headline) and moved(clear_blackouts)
    assert not moved(open_a_session)
    assert public_profile(teacher_slug(teacher)).card.headline == "New words"


def teacher_slug(teacher) -> str:
    """The teacher's profile slug."""
    with transaction() as session:
        return session.get_one(InstructorProfile, teacher.user_id).slug


def test_off_reads_every_time(db_url):
    teacher, _, _ = open_studio({60: "50"})
    times(teacher)
    assert statements(lambda: times(teacher)) > 1


def test_the_jobs_drop_old_change_rows_but_the_newest_ids_the_versions_count(caching):
    open_studio({60: "50"})
    with transaction() as session:  # more rows than are kept whatever their age
        session.execute(insert(CatalogChange), [{"at": NOW}] * view_cache.KEPT_IDS)
        rows = len(session.exec(select(CatalogChange)).all())
    newest = view_cache.catalogue_version()
    assert view_cache.drop_old_changes(datetime(2000, 1, 1, tzinfo=UTC)) == 0  # none is a day old then
    assert view_cache.drop_old_changes(datetime(3000, 1, 1, tzinfo=UTC)) == rows - view_cache.KEPT_IDS  # all are
    assert view_cache.catalogue_version() == newest  # the window the version counts is whole


def test_a_page_load_reads_the_version_once_for_all_its_views(caching):
    teacher, _, _ = open_studio({60: "50"})
    slug = teacher_slug(teacher)
    times(teacher), public_profile(slug)  # kept

    def both() -> None:
        with view_cache.one_version():
            times(teacher), public_profile(slug)

    assert statements(both) == 1
    assert statements(lambda: (times(teacher), public_profile(slug))) == 2  # outside: a read each


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_change_committed_after_a_later_one_still_moves_the_version(caching, db_url):
    """On PostgreSQL a transaction takes its change id when it writes: one that took the earlier id and commits last
    must still move the version, or a view read in between would be kept past it."""
    teacher, _, _ = open_studio({60: "50"})
    first, second = Session(get_engine()), Session(get_engine())
    try:
        for session, day in ((first, 1), (second, 2)):
            session.add(
                Blackout(instructor_id=teacher.user_id, start_day=date(2026, 12, day), end_day=date(2026, 12, day))
            )
            session.flush()  # the change row and its id: the first's before the second's
        second.commit()
        between = view_cache.catalogue_version()
        first.commit()
        assert view_cache.catalogue_version() != between
    finally:
        first.close()
        second.close()


def test_the_kept_views_read_only_tables_whose_writes_move_the_version(caching):
    """Every table a kept view reads is one whose writes note a change (models/changes.py SHOWN_TABLES): a view reading
    another would be kept past its changes."""
    teacher, student, service = open_studio({60: "50"})
    slug = teacher_slug(teacher)
    tables = set(SQLModel.metadata.tables)
    read: set[str] = set()

    def note(_conn, _cursor, statement: str, *_args) -> None:
        read.update(t for t in tables if re.search(rf'\b(?:FROM|JOIN)\s+"?{t}"?\b', statement))

    view_cache.forget_all()
    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        search.search(filters_from({"q": "piano"}, NOW.date())[0], "America/New_York", NOW)
        search.popular_subjects()
        search.featured_cards("America/New_York", NOW)
        public_profile(slug)
        instructor_id_for_slug(slug)
        times(teacher)
        reviews.instructor_reviews(teacher.user_id, 1, student, NOW)
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)
    assert read - SHOWN_TABLES == {"catalog_changes"}


def block(teacher, day: date, also=None) -> None:
    """`teacher` (and `also`, if given) block `day` in one transaction, as objects."""
    with transaction() as session:
        for who in (teacher, also) if also else (teacher,):
            session.add(Blackout(instructor_id=who.user_id, start_day=day, end_day=day))


def first_day(teacher) -> date:
    """The New York date of the teacher's first free time this week."""
    return datetime.fromisoformat(times(teacher)[0]).astimezone(ZoneInfo("America/New_York")).date()


def newest_change_scope():
    """The instructor the newest change row names (None: anything may have changed)."""
    with transaction() as session:
        return session.exec(select(CatalogChange).order_by(col(CatalogChange.id).desc())).first().instructor_id


def test_a_change_names_the_one_instructor_whose_schedule_rows_it_wrote_and_nothing_else(caching):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    block(tess, date(2026, 12, 1))
    assert newest_change_scope() == tess.user_id
    block(tess, date(2026, 12, 2), also=olga)  # two instructors' schedules
    assert newest_change_scope() is None
    with transaction() as session:  # a schedule row and a profile
        session.add(Blackout(instructor_id=tess.user_id, start_day=date(2026, 12, 3), end_day=date(2026, 12, 3)))
        session.get_one(InstructorProfile, tess.user_id).headline = "Other words"
    assert newest_change_scope() is None
    with transaction() as session:  # a statement: which rows it wrote is not known
        session.exec(delete(Blackout).where(col(Blackout.instructor_id) == tess.user_id))
    assert newest_change_scope() is None


def test_a_view_holds_past_other_instructors_schedule_changes_and_not_past_its_own(caching):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    first = times(tess)
    block(olga, first_day(tess))
    assert statements(lambda: times(tess)) == 3  # the version, then the changes since it: Olga's only; kept
    assert statements(lambda: times(tess)) == 1  # and kept under the new version
    assert times(tess) == first
    block(tess, first_day(tess))  # her own first day: read again
    after = times(tess)
    assert len(after) < len(first) and set(after) < set(first)
    assert statements(lambda: times(tess)) == 1


def test_a_view_reading_schedule_rows_not_through_the_slot_engines_reads_is_read_again_after_any_change(caching):
    tess, student, service = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    make_booking(tess, student, service.id, NOW + timedelta(days=2), BookingStatus.CONFIRMED)

    @view_cache.cached
    def lessons_booked() -> int:  # reads bookings directly: it cannot say whose
        with transaction() as session:
            return len(session.exec(select(Booking.id)).all())

    assert lessons_booked() == 1
    block(olga, date(2026, 12, 1))
    assert statements(lambda: lessons_booked()) > 1


@pytest.mark.parametrize("inner_kept_first", [True, False], ids=["inner-kept-first", "inner-read-inside"])
def test_a_view_using_a_kept_view_counts_the_schedules_that_one_read(caching, inner_kept_first):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")

    @view_cache.cached
    def tess_free_count() -> int:
        return len(times(tess))

    if inner_kept_first:
        times(tess)  # the outer view uses it kept
    assert tess_free_count() > 0
    block(olga, date(2026, 12, 1))
    assert statements(tess_free_count) == 3  # Olga's change: both hold
    block(tess, first_day(tess))
    assert statements(tess_free_count) > 3  # Tess's: the outer view is read again too


def test_writes_to_one_instructors_schedule_through_objects_name_them_and_a_moved_row_does_not(caching):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    block(tess, date(2026, 12, 1))
    with transaction() as session:  # changed
        session.exec(select(Blackout).where(Blackout.instructor_id == tess.user_id)).one().note = "away"
    assert newest_change_scope() == tess.user_id
    with transaction() as session:  # moved to Olga: Tess's time is freed too
        session.exec(select(Blackout).where(Blackout.instructor_id == tess.user_id)).one().instructor_id = olga.user_id
    assert newest_change_scope() is None
    with transaction() as session:  # deleted
        session.delete(session.exec(select(Blackout).where(Blackout.instructor_id == olga.user_id)).one())
    assert newest_change_scope() == olga.user_id


def test_a_savepoint_rolled_back_does_not_leave_the_transaction_without_its_change_row(caching):
    tess, _, _ = open_studio({60: "50"})
    before = view_cache.catalogue_version()
    with transaction() as session:
        savepoint = session.begin_nested()
        session.add(Blackout(instructor_id=tess.user_id, start_day=date(2026, 12, 1), end_day=date(2026, 12, 1)))
        session.flush()  # the change row with it
        savepoint.rollback()
        session.add(Blackout(instructor_id=tess.user_id, start_day=date(2026, 12, 2), end_day=date(2026, 12, 2)))
    assert view_cache.catalogue_version() != before


def test_a_view_reading_sql_written_as_text_is_read_again_after_any_change(caching):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")

    @view_cache.cached
    def blackouts_counted() -> int:  # which tables it reads cannot be told
        with transaction() as session:
            return session.execute(text("SELECT count(*) FROM blackouts")).scalar_one()

    assert blackouts_counted() == 0
    block(olga, date(2026, 12, 1))
    assert blackouts_counted() == 1


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_change_committed_below_a_views_version_has_it_read_again_whoever_it_concerns(caching, db_url):
    """A change that took its id before the view's version and committed after it cannot be checked against the
    view's instructors (which ids came later is not known): the view is read again."""
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    late, early = Session(get_engine()), Session(get_engine())
    try:
        for session, day in ((late, 1), (early, 2)):
            session.add(
                Blackout(instructor_id=olga.user_id, start_day=date(2026, 12, day), end_day=date(2026, 12, day))
            )
            session.flush()
        early.commit()
        times(tess)  # kept under a version without the late change
        late.commit()
        block(olga, date(2026, 12, 3))  # and one after it: the newest id moves on, and the late one is below
        assert statements(lambda: times(tess)) > 3
    finally:
        late.close()
        early.close()


def test_a_view_kept_past_other_instructors_changes_is_still_kept_no_longer_than_its_seconds(caching, monkeypatch):
    tess, _, _ = open_studio({60: "50"})
    olga, _, _ = open_studio({60: "50"}, "o@example.com", "s2@example.com")
    clock = [1000.0]
    monkeypatch.setattr(view_cache, "monotonic", lambda: clock[0])
    times(tess)
    clock[0] += 20
    block(olga, date(2026, 12, 1))
    assert statements(lambda: times(tess)) == 3  # still holds, kept under the new version
    clock[0] += 11  # 31 s after it was read: VIEW_CACHE_SECONDS (30) are over
    assert statements(lambda: times(tess)) > 1
