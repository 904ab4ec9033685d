"""Keyboard only (issue 20): the core journeys without a mouse. A student searches, opens the demo instructor's
profile, picks a time, holds it, keeps the place and pays with a card typed into the (fake) Stripe element; a new
instructor adds a service and weekly hours, and opens, walks and closes a dialog. Every stop of the Tab key shows
where the focus is; a dialog keeps the focus inside while open, Escape closes it and the focus returns to the button
that opened it: whether the server opened the dialog (most of the app's: their `open` is a state var) or its own
trigger did, a dialog or an alert dialog, closed with Escape or its cancel button, opened by a key or a click."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from instainstru import routes
from instainstru.models import utcnow
from tests.browser.accessibility import focus_problem, focused_inside, tab_to
from tests.browser.conftest import open_page, screenshot, wait_loaded
from tests.browser.helpers import DEMO_SLUG, at, log_in, log_in_demo, unique_email
from tests.factories import PASSWORD, make_user, open_studio

DIALOG = "[role=dialog]"
DIALOGS = "[role=dialog], [role=alertdialog]"


def press(page: Page, key: str, problems: list[str]) -> None:
    """Press `key`, then note whether the focus still shows."""
    page.keyboard.press(key)
    note_focus(page, key, problems)


def note_focus(page: Page, key: str, problems: list[str]) -> None:
    """Note in `problems` if the focused element shows no focus after `key`."""
    if problem := focus_problem(page):
        problems.append(f"{page.url} after {key}: {problem}")


def arrow_down(page: Page, problems: list[str]) -> None:
    """ArrowDown held until the focus has moved, as a person's key press lasts: Radix's radio group moves the focus
    a moment after the keydown and picks the radio it lands on only while an arrow key is still down (Playwright's
    `press` lets the key up at once, before the focus moves)."""
    was = page.evaluate_handle("document.activeElement")
    page.keyboard.down("ArrowDown")
    page.wait_for_function("was => document.activeElement !== was", arg=was)
    page.keyboard.up("ArrowDown")
    note_focus(page, "ArrowDown", problems)


def test_a_student_books_and_pays_with_the_keyboard_alone(page: Page):
    log_in_demo(page, "student")
    problems: list[str] = []

    open_page(page, routes.HOME)
    tab_to(page, page.get_by_role("textbox", name="Search instructors"), problems)
    page.keyboard.type("piano")
    page.keyboard.press("Enter")
    expect(page).to_have_url(at(routes.search(q="piano")))
    wait_loaded(page)

    tab_to(page, page.locator(f'main a[href^="{routes.instructor_profile(DEMO_SLUG)}"]'), problems, limit=200)
    page.keyboard.press("Enter")
    expect(page).to_have_url(at(routes.instructor_profile(DEMO_SLUG), exact=False))
    wait_loaded(page)

    tab_to(page, page.locator("a.slot"), problems, limit=200)  # the first free time
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your lesson", exact=True)).to_be_visible()
    wait_loaded(page)

    tab_to(page, page.locator(".hold-button"), problems)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Use this place")).to_be_visible()
    tab_to(page, page.locator(".place-button"), problems)
    page.keyboard.press("Enter")
    expect(page.locator(".checkout-place")).to_be_visible()

    cards = page.get_by_role("radiogroup", name="Card to pay with")
    new_card = cards.get_by_role("radio", name="A new card")
    if new_card.count():  # the student has saved cards: choose a new one with the arrow keys
        tab_to(page, cards.get_by_role("radio", checked=True), problems)  # the group's one Tab stop
        for _ in range(cards.get_by_role("radio").count()):
            if new_card.is_checked():
                break
            arrow_down(page, problems)  # moves to the next choice and picks it
            expect(cards.locator("[role=radio]:focus")).to_be_checked()  # the server took it (the group is its state)
        expect(new_card).to_be_checked()
        expect(page.locator("#card-element [placeholder=number]")).to_be_visible()  # the card form is mounted
    for field, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123")):
        tab_to(page, page.locator(f"#card-element [placeholder={field}]"), problems)
        page.keyboard.type(value)
    tab_to(page, page.locator("#card-element [placeholder=postal_code]"), problems)
    page.keyboard.type("10001")
    screenshot(page, "keyboard-checkout")
    tab_to(page, page.locator(".pay-button"), problems)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="You're booked!")).to_be_visible(timeout=15_000)
    assert not problems, "focus not shown:\n" + "\n".join(problems)


def test_an_instructor_adds_a_service_and_hours_and_walks_a_dialog_with_the_keyboard(page: Page, app_services):
    teacher = make_user("instructor", unique_email("keys"), "Kei Keyboard")
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    problems: list[str] = []

    # A service: the subject from its drop-down, a level, an age, a place (checkboxes with Space) and a price.
    open_page(page, routes.EDIT_PROFILE)
    tab_to(page, page.get_by_role("combobox", name="Subject"), problems, limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("listbox")).to_be_visible()
    piano = page.get_by_role("option", name="Piano", exact=True)
    for _ in range(page.get_by_role("option").count()):  # down the list to it
        if piano.get_attribute("data-highlighted") is not None:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Subject")).to_have_text("Piano")
    service_form = page.locator("form").filter(has_text="Add a service")
    for name in ("Beginner", "Adults", "Online"):
        box = service_form.get_by_role("checkbox", name=name, exact=True)
        tab_to(page, box, problems)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    tab_to(page, page.get_by_label("60 min ($)"), problems)
    page.keyboard.type("70")
    tab_to(page, page.get_by_role("button", name="Add service"), problems)
    page.keyboard.press("Enter")
    expect(page.locator(".service-row")).to_contain_text("60 min · $70")

    # The service's edit dialog: Enter opens it, Tab stays inside, Escape closes it and the focus goes back.
    edit = page.locator(".service-row").get_by_role("button", name="Edit", exact=True)
    edit.focus()
    page.keyboard.press("Enter")
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    assert focused_inside(page, DIALOG), "opening the dialog moved the focus into it"
    for _ in range(40):  # more stops than the dialog has: the focus goes round inside it
        press(page, "Tab", problems)
        assert focused_inside(page, DIALOG), "the focus left the open dialog"
    screenshot(page, "keyboard-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(edit).to_be_focused()

    # Monday's hours: "Add hours" (9 to 5 on an empty day), then save them.
    open_page(page, routes.AVAILABILITY)
    monday = page.locator(".weekday-row").filter(has_text="Monday")
    tab_to(page, monday.get_by_role("button", name="Add hours"), problems)
    page.keyboard.press("Enter")
    expect(monday.get_by_label("Starts")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Save weekly hours"), problems)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Weekly hours saved.")).to_be_visible()
    screenshot(page, "keyboard-availability")
    assert not problems, "focus not shown:\n" + "\n".join(problems)


@dataclass(frozen=True)
class Opener:
    """A button that opens a dialog: who sees it (the studio's "instructor" or "student"), on which page, and the
    button in the dialog that closes it unchanged."""

    who: str
    path: Callable[[int], str]  # the page, from the id of the student's conversation with the demo instructor
    button: Callable[[Page], Locator]
    cancel: str


OPENERS = {
    "a dialog the server opens (the service editor)": Opener(
        "instructor",
        lambda _conversation: routes.EDIT_PROFILE,
        lambda page: page.locator(".service-row").get_by_role("button", name="Edit", exact=True),
        "Cancel",
    ),
    "an alert dialog the server opens (deleting the account)": Opener(
        "student",
        lambda _conversation: routes.SETTINGS,
        lambda page: page.get_by_role("button", name="Delete my account", exact=True),
        "Keep my account",
    ),
    "a dialog its own trigger opens (reporting a conversation)": Opener(
        "student",
        routes.conversation,
        lambda page: page.locator("main").get_by_role("button", name="Report", exact=True),
        "Cancel",
    ),
}

# A click that leaves the focus where it was, as Safari's on a button: the dialog still knows what opened it.
CLICK_WITHOUT_FOCUS = "(button) => { document.activeElement?.blur(); button.click(); }"


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
def test_a_closed_dialog_gives_the_focus_back_to_the_button_that_opened_it(page: Page, app_services, opener: Opener):
    from instainstru.services.messaging import conversations

    teacher, student, _service = open_studio({60: "70"}, unique_email("focus-t"), unique_email("focus-s"))
    conversation = conversations.open_with_instructor(student, DEMO_SLUG, utcnow())
    conversations.send(student, conversation, "Do you teach beginners?", utcnow())
    log_in(page, (teacher if opener.who == "instructor" else student).email, PASSWORD)
    expect(page).to_have_url(at(routes.dashboard(opener.who)))
    open_page(page, opener.path(conversation))
    button = opener.button(page)
    dialog = page.locator(DIALOGS)

    def opened(how: str) -> None:
        expect(dialog).to_be_visible()
        expect(dialog.locator(":focus"), f"after {how}, the focus is in the open dialog").to_have_count(1)

    def closed(how: str) -> None:
        expect(dialog).to_have_count(0)
        expect(button, f"after {how}, the focus is back on the button that opened the dialog").to_be_focused()

    button.focus()  # Enter opens it, Escape closes it
    page.keyboard.press("Enter")
    opened("Enter")
    page.keyboard.press("Escape")
    closed("Escape")
    problems: list[str] = []
    note_focus(page, "Escape", problems)  # and shows that it has it
    assert not problems, problems[0]

    page.keyboard.press("Space")  # Space opens it, its cancel button closes it
    opened("Space")
    tab_to(page, dialog.get_by_role("button", name=opener.cancel, exact=True), problems)
    page.keyboard.press("Enter")
    closed(opener.cancel)

    button.evaluate(CLICK_WITHOUT_FOCUS)
    opened("a click")
    page.keyboard.press("Escape")
    closed("a click, then Escape")
    assert not problems, "focus not shown:\n" + "\n".join(problems)


def test_a_dialog_whose_opener_is_gone_gives_the_focus_to_what_stands_nearest(page: Page, app_services):
    teacher, _student, _service = open_studio({60: "70"}, unique_email("gone-t"), unique_email("gone-s"))
    log_in(page, teacher.email, PASSWORD)
    expect(page).to_have_url(at(routes.INSTRUCTOR_HOME))
    open_page(page, routes.EDIT_PROFILE)
    row = page.locator(".service-row").first
    button = row.get_by_role("button", name="Edit", exact=True)
    held = button.element_handle()  # while the dialog is open the page behind it is hidden from locators
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(DIALOGS)).to_be_visible()
    held.evaluate("(button) => button.remove()")  # as a lesson's "Cancel" goes once the lesson is cancelled
    page.keyboard.press("Escape")
    expect(page.locator(DIALOGS)).to_have_count(0)
    expect(row.locator(":focus"), "the focus is on a control of the row that held the button").to_have_count(1)
