"""The admin console's people part, driven by the demo admin: suspending a student (their open tab is refused at its
next event, and they cannot log in), approving a new instructor (then in search), hiding a reported review (the
rating recounted), hiding one message of a reported conversation (removed for both people, the student's open tab
too) and showing it again; each action is in the audit log. Phone and laptop screenshots of every new page."""

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from instainstru import routes
from instainstru.db import transaction
from instainstru.models import BookingStatus, InstructorProfile, Review, utcnow
from instainstru.services.accounts import accounts
from instainstru.services.instructors import offerings
from instainstru.services.messaging import conversations, safety
from instainstru.services.trust import reviews
from instainstru.settings import reset_settings
from tests.browser.conftest import open_page
from tests.browser.helpers import at, log_in, log_in_demo, look_at, unique_email
from tests.factories import PASSWORD, connect_on_fake_stripe, enable_payouts, make_booking, make_user, open_studio

REASON = "Chargebacks on three cards in a week"
UNKIND = "Terrible person, avoid at all costs, this is not about the lesson."
RUDE = "Only a fool would ask that, pay me or go away."


def confirm_dialog(page: Page, reason: str, button: str) -> None:
    """Type the reason in the open admin dialog and confirm it."""
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").or_(dialog.get_by_label("What to change")).fill(reason)
    dialog.get_by_role("button", name=button).click()
    expect(dialog).to_have_count(0)


def test_admin_suspends_a_student_whose_open_tab_is_refused_at_its_next_event(
    page: Page, browser: Browser, base_url: str, app_services
):
    email = unique_email("suspended")
    make_user("student", email, "Sid Suspended")
    student = browser.new_context(base_url=base_url, timezone_id="America/New_York").new_page()
    log_in(student, email, PASSWORD)
    expect(student).to_have_url(at(routes.STUDENT_HOME))

    log_in_demo(page, "admin")
    page.get_by_role("link", name="People").click()
    expect(page).to_have_url(at(routes.ADMIN_PEOPLE))
    page.get_by_label("Find a person").fill(email)
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(at(routes.admin_people(email)))
    expect(page.locator(".person-row")).to_have_count(1)
    look_at(page, "admin-people")
    page.get_by_role("link", name="Sid Suspended").click()
    expect(page.get_by_role("heading", name="Sid Suspended")).to_be_visible()
    expect(page.locator(".person-sessions")).not_to_contain_text("Not logged in anywhere.")
    page.get_by_role("button", name="Suspend").click()
    confirm_dialog(page, REASON, "Suspend")
    expect(page.get_by_text("Suspended: their sessions are ended.")).to_be_visible()
    expect(page.locator(".person-card .person-status")).to_have_text("suspended")
    expect(page.locator(".person-sessions")).to_contain_text("Not logged in anywhere.")
    expect(page.locator(".person-actions")).to_contain_text(REASON)
    look_at(page, "admin-person")

    # The student's tab, left open: its next event (opening another page) finds no session, and logging in says why.
    student.get_by_role("button", name="Account menu").click()
    student.get_by_role("menuitem", name="Account settings").click()
    expect(student).to_have_url(at(routes.login(next=routes.SETTINGS)))
    log_in(student, email, PASSWORD)
    expect(student.get_by_text(accounts.SUSPENDED)).to_be_visible()
    expect(student).not_to_have_url(at(routes.STUDENT_HOME))

    open_page(page, routes.admin_audit(action="suspend"))
    expect(page.locator(".audit-row").filter(has_text="Sid Suspended")).to_contain_text(REASON)
    look_at(page, "admin-audit")


def test_admin_approves_a_new_instructor_who_then_appears_in_search(page: Page, app_services, monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_APPROVAL", "1")  # as in production: this instructor waits for approval
    reset_settings()
    teacher = make_user("instructor", unique_email("waiting"), "Wanda Waitlist")
    enable_payouts(teacher)
    offerings.add_offering(teacher, "piano", ["beginner"], ["adults"], ["online"], {60: "991"})
    found = routes.search(subject="piano", min="991", max="991")
    open_page(page, found)
    expect(page.get_by_text("Wanda Waitlist")).to_have_count(0)

    log_in_demo(page, "admin")
    page.get_by_role("link", name="Approvals").click()
    waiting = page.locator(".waiting-profile").filter(has_text="Wanda Waitlist")
    expect(waiting).to_contain_text("Piano: 60 min · $991")
    waiting.get_by_role("button", name="Ask for changes").click()
    confirm_dialog(page, "Please add a photo and a few words about you.", "Send")
    expect(waiting).to_contain_text("Changes asked: Please add a photo and a few words about you.")
    look_at(page, "admin-approvals")
    waiting.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the profile is in search now.")).to_be_visible()
    expect(waiting).to_have_count(0)

    open_page(page, found)
    expect(page.locator(".result-card").filter(has_text="Wanda Waitlist")).to_have_count(1)


def test_admin_hides_a_reported_review_and_the_rating_is_recounted(page: Page, app_services, payments):
    teacher, fan, service = open_studio({60: "60"}, unique_email("rated"), unique_email("fan"))
    connect_on_fake_stripe(teacher, payments)  # paid lessons are charged to a connected account
    critic = make_user("student", unique_email("critic"), "Cris Critic")
    now = utcnow()
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    for who, stars, text in ((fan, 5, "Patient and clear, my scales finally click."), (critic, 1, UNKIND)):
        lesson = make_booking(teacher, who, service.id, now - timedelta(days=3), BookingStatus.COMPLETED, paid=True)
        written = reviews.write_review(who, lesson, stars, text, now=now - timedelta(days=2))
    reviews.publish_due(now + timedelta(days=7))
    reviews.report(fan, written.id, "Insults, not a review of the lesson", now)
    open_page(page, routes.instructor_profile(slug))
    expect(page.locator(".rating-summary")).to_have_text("3.0(2 reviews)")

    log_in_demo(page, "admin")
    page.get_by_role("link", name="Moderation").click()
    reported = page.locator(".reported-review").filter(has_text=UNKIND)
    expect(reported).to_contain_text("Insults, not a review of the lesson, by Sam Student")
    look_at(page, "admin-moderation")
    reported.get_by_role("button", name="Hide").click()
    confirm_dialog(page, "Personal attack", "Hide review")
    expect(page.locator(".hidden-review").filter(has_text=UNKIND)).to_contain_text("Hidden: Personal attack")

    open_page(page, routes.instructor_profile(slug))
    expect(page.locator(".rating-summary")).to_have_text("5.0(1 review)")
    expect(page.get_by_text(UNKIND)).to_have_count(0)
    with transaction() as session:
        assert session.get_one(Review, written.id).hidden_reason == "Personal attack"


def test_admin_hides_one_message_of_a_reported_conversation_for_both_people(
    page: Page, browser: Browser, base_url: str, app_services
):
    teacher, student, _ = open_studio({60: "60"}, unique_email("rude"), unique_email("hurt"))
    now = utcnow()
    with transaction() as session:
        slug = session.get_one(InstructorProfile, teacher.user_id).slug
    chat = conversations.open_with_instructor(student, slug, now)
    conversations.send(student, chat, "Can we do Tuesday instead?", now)
    conversations.send(teacher, chat, RUDE, now)
    reason = f"Insulted me ({unique_email('report')})"
    safety.report(student, chat, reason, now)
    mine = browser.new_context(base_url=base_url, timezone_id="America/New_York").new_page()
    log_in(mine, student.email, PASSWORD)
    expect(mine).to_have_url(at(routes.STUDENT_HOME))
    open_page(mine, routes.conversation(chat))  # left open: it follows the conversation live
    expect(mine.locator(".message.theirs")).to_contain_text(RUDE)

    log_in_demo(page, "admin")
    page.get_by_role("link", name="Moderation").click()
    page.locator(".reported-conversation").filter(has_text=reason).get_by_role("link", name="Read").click()
    expect(page).to_have_url(at(routes.admin_conversation(chat)))
    rude = page.locator(".admin-message").filter(has_text=RUDE)
    rude.get_by_role("button", name="Hide").click()
    confirm_dialog(page, "Insults the student", "Hide message")
    expect(page.get_by_text("Message hidden: both people see that InstaInstru removed it.")).to_be_visible()
    expect(rude).to_contain_text("Hidden from both")  # the admin still reads it
    look_at(page, "admin-conversation-hidden")

    expect(mine.locator(".message.theirs")).to_contain_text(conversations.REMOVED)  # at once, in the open tab
    expect(mine.get_by_text(RUDE)).to_have_count(0)
    look_at(mine, "conversation-message-removed")
    theirs = browser.new_context(base_url=base_url, timezone_id="America/New_York").new_page()
    log_in(theirs, teacher.email, PASSWORD)
    expect(theirs).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(theirs, routes.conversation(chat))
    expect(theirs.locator(".message.mine")).to_contain_text(conversations.REMOVED)

    rude.get_by_role("button", name="Show again").click()
    confirm_dialog(page, "It was a joke between them", "Show again")
    expect(rude.get_by_text("Hidden from both")).to_have_count(0)
    expect(mine.locator(".message.theirs")).to_contain_text(RUDE)
    open_page(page, routes.admin_audit(person=str(teacher.user_id)))
    expect(page.locator(".audit-row").filter(has_text="Insults the student")).to_have_count(1)
    expect(page.locator(".audit-row").filter(has_text="It was a joke between them")).to_have_count(1)
    for context in (mine.context, theirs.context):
        context.close()
