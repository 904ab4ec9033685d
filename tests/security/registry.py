"""Every event handler of the app and every HTTP route, each with its attacks or the reason none is needed.

A key is "StateClass.handler" (state class names are unique in the app: a test checks it). An entry is one of:
- a function (world, attacker) -> [Attack]: crafted events naming rows that are not the attacker's (every id
  swapped: bookings, services, reviews, cards, conversations, addresses, slugs, blackouts, mail), sent as each
  identity by tests/security/test_crafted_events.py;
- Harmless(reason): the handler only changes what this tab shows (a dialog, a choice not yet saved) and reads nothing
  a page did not already give the caller;
- Elsewhere(reason, tests): covered by named tests in other files (a test checks they exist).

`setvar` (Reflex's own handler on every state) is covered by test_crafted_events.py for every state at once.
"""

import dataclasses
from collections.abc import Callable

from instainstru import routes
from tests.factories import PASSWORD
from tests.security.crafted import Step
from tests.security.world import World, other

NOWHERE = "/no-such-page"  # a tab on the not-found page: only the header's loaders run before the crafted event


@dataclasses.dataclass(frozen=True)
class Attack:
    """Events from one tab showing `path` (its address may name someone else's row too); `logs`: tables ("table") or
    columns ("table.column") the attempt may write whoever sends it (a failed login's record, a review's flag)."""

    path: str
    steps: tuple[Step, ...]
    logs: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Harmless:
    """Needs no attack: why."""

    reason: str


@dataclasses.dataclass(frozen=True)
class Elsewhere:
    """Covered by other tests (file::name)."""

    reason: str
    tests: tuple[str, ...]


Cases = Callable[[World, str], list[Attack]]
Entry = Cases | Harmless | Elsewhere
UI_ONLY = "changes only what this tab shows (a dialog or a choice not yet saved); saving is checked in its own entry"


def on(path: str | Callable[[World, str], str], *steps: Step | Callable[[World, str], Step], logs=()) -> Cases:
    """The attack of sending `steps` from a tab showing `path`; a path or step may be a function of (world,
    attacker) naming someone else's rows."""

    def cases(world: World, me: str) -> list[Attack]:
        where = path(world, me) if callable(path) else path
        return [Attack(where, tuple(s(world, me) if callable(s) else s for s in steps), tuple(logs))]

    return cases


def each(*alternatives: Cases) -> Cases:
    """All the attacks of several alternatives."""
    return lambda world, me: [attack for cases in alternatives for attack in cases(world, me)]


def step(name: str, **payload) -> Callable[[World, str], Step]:
    """A step whose payload values that are functions of (world, attacker) are filled in: ids of others' rows."""
    return lambda world, me: (name, {k: v(world, me) if callable(v) else v for k, v in payload.items()})


def of(kind: str) -> Callable[[World, str], int | str]:
    """Someone else's row of `kind`."""
    return lambda world, me: other(world, kind, me)


def email_of_other(world: World, me: str) -> str:
    """The email address of a person other than the attacker."""
    victim = "B" if me in ("visitor", "A") else "A"
    return world.actors[victim].email


def just(name: str, path: str = NOWHERE) -> Cases:
    """Send one handler with no arguments (it acts on the caller's own things: the oracle checks nobody else's
    changes or shows)."""
    return on(path, (name, {}))


BOOKING_KINDS = ("hold", "request", "lesson", "past")


def on_bookings(*names_and_payloads: tuple[str, dict], path: str = NOWHERE, kinds=BOOKING_KINDS) -> Cases:
    """The steps with `booking_id` set to someone else's booking of each kind."""

    def cases(world: World, me: str) -> list[Attack]:
        attacks = []
        for kind in kinds:
            victim = other(world, kind, me)
            steps = tuple(
                (name, {k: victim if v == "ID" else v for k, v in payload.items()})
                for name, payload in names_and_payloads
            )
            attacks.append(Attack(path, steps))
        return attacks

    return cases


def conversation_page(world: World, me: str) -> str:
    return routes.conversation(other(world, "conversation", me))


def admin_conversation_page(world: World, me: str) -> str:
    return routes.admin_conversation(other(world, "conversation", me))


def admin_booking_page(kind: str) -> Callable[[World, str], str]:
    """The console's page of someone else's booking of `kind`."""
    return lambda world, me: routes.admin_booking(int(other(world, kind, me)))


def admin_credit_page(world: World, me: str) -> str:
    """The console's credit page of a student other than the attacker."""
    student = next(letter for letter in ("A", "B") if letter != me)
    return routes.admin_credit(world.actors[student].user_id)


def someone_else(world: World, me: str) -> int:
    """The account id of a person other than the attacker (a student's for an instructor, and the other way)."""
    victim = "B" if me in ("visitor", "A") else "A"
    return world.actors[victim].user_id


def an_instructor_else(world: World, me: str) -> int:
    """The account id of an instructor other than the attacker."""
    return world.actors["Y" if me == "X" else "X"].user_id


def admin_person_page(world: World, me: str) -> str:
    return routes.admin_person(someone_else(world, me))


def admin_dialog(
    path: str | Callable[[World, str], str], state: str, action: str, target: Cases | None = None
) -> Cases:
    """Open `state`'s admin dialog for `action` on someone else's row (`target`: a function of (world, attacker)),
    then confirm it with a reason."""
    return on(
        path,
        step(f"{state}.open_dialog", action=action, target=target or 0),
        (f"{state}.confirm", {"form": {"reason": "Crafted admin action"}}),
    )


def receipt_page(world: World, me: str) -> str:
    return routes.receipt(other(world, "past", me))


def checkout_page(world: World, me: str) -> str:
    return str(other(world, "checkout", me))


def profile_page(world: World, me: str) -> str:
    return routes.instructor_profile(str(other(world, "slug", me)))


def card_choice(world: World, me: str) -> str:
    return str(other(world, "card", me))


START = "2031-03-04T15:00:00+00:00"
REVIEW_FORM = {"text": "Crafted review of someone else's lesson.", "knowledge": "5"}
PLACE_FORM = {"street": "1 Crafted Way", "zip_code": "11215", "borough": "Brooklyn"}
CHECKOUT_STEPS = (
    ("CheckoutState.open", {}),
    ("CheckoutState.hold_time", {}),
    ("CheckoutState.mount_card_form", {}),
    ("CheckoutState.card_form_mounted", {"outcome": {"ok": True}}),
    ("CheckoutState.pick_place", {"kind": "student_home"}),
    ("CheckoutState.save_place", {"form": PLACE_FORM}),
    ("CheckoutState.save_note", {"note": "Crafted note"}),
    ("CheckoutState.pay", {}),
    ("CheckoutState.browser_done", {"outcome": {"error": ""}}),
    ("CheckoutState.let_go", {}),
)


def checkout_with_others(world: World, me: str) -> list[Attack]:
    """The checkout of someone else's hold, choosing someone else's saved address and card."""
    address, card = str(other(world, "address", me)), card_choice(world, me)
    picks = (("CheckoutState.pick_address", {"choice": address}), ("CheckoutState.choose_card", {"choice": card}))
    removal = (("CheckoutState.remove_card", {"card_id": card}),)
    return [Attack(checkout_page(world, me), CHECKOUT_STEPS[:5] + picks + CHECKOUT_STEPS[5:] + removal)]


def review_action(handler: str, field: str, logs: tuple[str, ...] = ()) -> Cases:
    """Open the reply or report box of someone else's review on its instructor's page, and send it."""
    return lambda world, me: [
        Attack(
            profile_page(world, me),
            (
                ("ProfileReviewsState.load", {}),
                (
                    f"ProfileReviewsState.{'open_reply' if field == 'reply' else 'ask_report'}",
                    {"review_id": other(world, "review", me)},
                ),
                (handler, {"form": {"review_id": str(other(world, "review", me)), field: "Crafted words"}}),
            ),
            logs,
        )
    ]


def offering_action(handler: str, **extra) -> Cases:
    return on(routes.EDIT_PROFILE, step(f"InstructorProfileState.{handler}", offering_id=of("offering"), **extra))


def card_action(handler: str) -> Cases:
    return on(
        routes.BILLING, ("StudentBillingState.load", {}), step(f"StudentBillingState.{handler}", card_id=of("card"))
    )


FEED = "InstructorBookingsState"
STUDENT = "StudentHomeState"
EVENTS: dict[str, Entry] = {
    # The header, on every page.
    "SessionState.refresh": just("SessionState.refresh"),
    "SessionState.logout": just("SessionState.logout"),
    "BellState.load": just("BellState.load"),
    "BellState.opened": on(NOWHERE, ("BellState.opened", {"is_open": True})),
    "MessagesBadgeState.load": just("MessagesBadgeState.load"),
    "MessagesBadgeState.watch": just("MessagesBadgeState.watch"),
    "EmailBannerState.resend": just("EmailBannerState.resend"),
    "SearchBoxState.search": on(NOWHERE, ("SearchBoxState.search", {"form": {"q": "piano"}})),
    # Logging in, signing up, passwords, two-step verification, email links.
    "LoginState.open": just("LoginState.open", routes.LOGIN),
    "LoginState.back": just("LoginState.back", routes.LOGIN),
    "LoginState.submit": on(
        routes.LOGIN,
        step("LoginState.submit", form=lambda w, me: {"email": email_of_other(w, me), "password": "wrong guess 1"}),
        logs=("login_failures",),
    ),
    "LoginState.submit_code": on(
        routes.LOGIN, ("LoginState.submit_code", {"form": {"code": "123456"}}), logs=("login_failures",)
    ),
    "SignupState.open": just("SignupState.open", routes.SIGNUP),
    "SignupState.guessed_timezone": Harmless("sets the sign-up form's time zone choice, " + UI_ONLY),
    "SignupState.set_role": Harmless("picks student or instructor on the sign-up form, " + UI_ONLY),
    "SignupState.set_timezone": Harmless("picks the sign-up form's time zone, " + UI_ONLY),
    "SignupState.submit": on(
        routes.SIGNUP,
        step(
            "SignupState.submit",
            form=lambda w, me: {"name": "Mallory", "email": email_of_other(w, me), "password": PASSWORD},
        ),
        logs=("mail_outbox", "signup_requests"),  # the owner may be mailed "someone tried"; requests are counted
    ),
    "SignupState.resend": on(routes.SIGNUP, ("SignupState.resend", {}), logs=("mail_outbox", "signup_requests")),
    "SignupState.start_again": Harmless("empties the sign-up form to start again, " + UI_ONLY),
    "FinishSignupState.open": just("FinishSignupState.open", routes.finish_signup("made-up-link")),
    "FinishSignupState.create": on(
        routes.finish_signup("made-up-link"), ("FinishSignupState.create", {"form": {"password": PASSWORD}})
    ),
    "ForgotPasswordState.open": just("ForgotPasswordState.open", routes.FORGOT_PASSWORD),
    "ForgotPasswordState.again": just("ForgotPasswordState.again", routes.FORGOT_PASSWORD),
    "ForgotPasswordState.submit": on(
        routes.FORGOT_PASSWORD,
        step("ForgotPasswordState.submit", form=lambda w, me: {"email": email_of_other(w, me)}),
        logs=("password_resets", "mail_outbox"),  # anyone may ask for a reset link: it goes to the owner's mailbox
    ),
    "ResetPasswordState.open": just("ResetPasswordState.open", routes.reset_password("made-up-token")),
    "ResetPasswordState.submit": on(
        routes.reset_password("made-up-token"),
        ("ResetPasswordState.submit", {"form": {"password": "brand new secret 9"}}),
    ),
    "VerifyEmailState.open": just("VerifyEmailState.open", routes.verify_email("made-up-token")),
    "TwoStepState.load": just("TwoStepState.load", routes.TWO_STEP),
    "TwoStepState.start": just("TwoStepState.start", routes.TWO_STEP),
    "TwoStepState.cancel": just("TwoStepState.cancel", routes.TWO_STEP),
    "TwoStepState.done": just("TwoStepState.done", routes.TWO_STEP),
    "TwoStepState.confirm": on(
        routes.TWO_STEP, ("TwoStepState.confirm", {"form": {"code": "123456"}}), logs=("login_failures",)
    ),
    "TwoStepState.turn_off": on(
        routes.TWO_STEP, ("TwoStepState.turn_off", {"form": {"proof": PASSWORD}}), logs=("login_failures",)
    ),
    "TwoStepState.renew": on(
        routes.TWO_STEP, ("TwoStepState.renew", {"form": {"code": "123456"}}), logs=("login_failures",)
    ),
    # Account settings: all the caller's own; the forms try to take another person's address.
    "AccountSettingsState.load": just("AccountSettingsState.load", routes.SETTINGS),
    "AccountSettingsState.save_profile": on(
        routes.SETTINGS, ("AccountSettingsState.save_profile", {"form": {"name": "Renamed"}})
    ),
    "AccountSettingsState.save_prefs": on(routes.SETTINGS, ("AccountSettingsState.save_prefs", {"form": {}})),
    "AccountSettingsState.set_timezone": on(
        routes.SETTINGS, ("AccountSettingsState.set_timezone", {"name": "Europe/Paris"})
    ),
    "AccountSettingsState.change_email": on(
        routes.SETTINGS,
        step(
            "AccountSettingsState.change_email",
            form=lambda w, me: {"new_email": email_of_other(w, me), "current_password": PASSWORD},
        ),
    ),
    "AccountSettingsState.change_password": on(
        routes.SETTINGS,
        (
            "AccountSettingsState.change_password",
            {"form": {"current_password": PASSWORD, "new_password": "another long secret 7"}},
        ),
        logs=("login_failures",),
    ),
    "AccountSettingsState.copy_feed_link": just("AccountSettingsState.copy_feed_link", routes.SETTINGS),
    "AccountSettingsState.create_feed_link": just("AccountSettingsState.create_feed_link", routes.SETTINGS),
    "AccountSettingsState.turn_off_feed": just("AccountSettingsState.turn_off_feed", routes.SETTINGS),
    "AccountSettingsState.download": just("AccountSettingsState.download", routes.SETTINGS),
    "AccountSettingsState.log_out_everywhere": just("AccountSettingsState.log_out_everywhere", routes.SETTINGS),
    "LoginSessionsState.load": just("LoginSessionsState.load", routes.SETTINGS),
    "LoginSessionsState.log_out_one": on(
        routes.SETTINGS, step("LoginSessionsState.log_out_one", session_id=of("session"))
    ),
    "LoginSessionsState.log_out_others": just("LoginSessionsState.log_out_others", routes.SETTINGS),
    "AccountSettingsState.open_delete": Harmless("opens the delete-account dialog, " + UI_ONLY),
    "AccountSettingsState.close_delete": Harmless("closes the delete-account dialog, " + UI_ONLY),
    "AccountSettingsState.delete_account": just("AccountSettingsState.delete_account", routes.SETTINGS),
    # Discovery and public pages.
    "HomeState.load": just("HomeState.load", routes.HOME),
    "HomeState.set_browser_zone": Harmless("the time zone this tab shows times in (nothing stored)"),
    "SearchState.load": just("SearchState.load", routes.search(q="piano")),
    "SearchState.apply": on(routes.SEARCH, ("SearchState.apply", {"form": {"q": "piano"}})),
    "SearchState.sort_by": on(routes.SEARCH, ("SearchState.sort_by", {"sort": "price"})),
    "SearchState.set_browser_zone": Harmless("the time zone this tab shows times in (nothing stored)"),
    "FavouriteState.load": just("FavouriteState.load"),
    "FavouriteState.toggle": on(
        NOWHERE, step("FavouriteState.toggle", instructor_id=lambda w, me: w.actors["Y" if me != "Y" else "X"].user_id)
    ),
    "StudentFavouritesState.load": just("StudentFavouritesState.load", routes.FAVOURITES),
    "InstructorPublicState.load": on(profile_page, ("InstructorPublicState.load", {})),
    "InstructorPublicState.choose_lesson": Harmless("picks a lesson length on a public profile, " + UI_ONLY),
    "InstructorPublicState.page_week": Harmless("pages a public profile's free times, " + UI_ONLY),
    "InstructorPublicState.set_browser_zone": Harmless("the time zone this tab shows times in (nothing stored)"),
    "ProfileReviewsState.load": on(profile_page, ("ProfileReviewsState.load", {})),
    "ProfileReviewsState.go_to": Harmless("pages a profile's public reviews, " + UI_ONLY),
    "ProfileReviewsState.open_reply": on(profile_page, step("ProfileReviewsState.open_reply", review_id=of("review"))),
    "ProfileReviewsState.close_reply": Harmless("closes the reply box, " + UI_ONLY),
    "ProfileReviewsState.send_reply": review_action("ProfileReviewsState.send_reply", "reply"),
    "ProfileReviewsState.ask_report": on(profile_page, step("ProfileReviewsState.ask_report", review_id=of("review"))),
    "ProfileReviewsState.close_report": Harmless("closes the report box, " + UI_ONLY),
    "ProfileReviewsState.send_report": review_action(
        "ProfileReviewsState.send_report",
        "reason",
        ("reviews.flagged",),  # anyone logged in may flag a public review
    ),
    "ReferralLinkState.open": just("ReferralLinkState.open", routes.referral("NOSUCHCODE")),
    "StudentReferralsState.load": just("StudentReferralsState.load", routes.REFERRALS),
    "StudentReferralsState.copy_link": just("StudentReferralsState.copy_link", routes.REFERRALS),
    # Booking and paying.
    "CheckoutState.open": on(checkout_page, ("CheckoutState.open", {})),
    "CheckoutState.load": on(checkout_page, ("CheckoutState.load", {})),
    "CheckoutState.hold_time": checkout_with_others,
    "CheckoutState.mount_card_form": checkout_with_others,
    "CheckoutState.card_form_mounted": checkout_with_others,
    "CheckoutState.pick_place": checkout_with_others,
    "CheckoutState.pick_address": checkout_with_others,
    "CheckoutState.save_place": checkout_with_others,
    "CheckoutState.save_note": checkout_with_others,
    "CheckoutState.choose_card": checkout_with_others,
    "CheckoutState.pay": checkout_with_others,
    "CheckoutState.browser_done": checkout_with_others,
    "CheckoutState.remove_card": checkout_with_others,
    "CheckoutState.let_go": checkout_with_others,
    "StudentBillingState.load": just("StudentBillingState.load", routes.BILLING),
    "StudentBillingState.make_default": card_action("make_default"),
    "StudentBillingState.remove_card": card_action("remove_card"),
    "StudentBillingState.add_card": just("StudentBillingState.add_card", routes.BILLING),
    "StudentBillingState.card_form_mounted": on(
        routes.BILLING, ("StudentBillingState.card_form_mounted", {"outcome": {"ok": True}})
    ),
    "StudentBillingState.save_new_card": just("StudentBillingState.save_new_card", routes.BILLING),
    "StudentBillingState.card_saved": on(
        routes.BILLING, ("StudentBillingState.card_saved", {"outcome": {"setup_intent": "seti_someone_elses"}})
    ),
    "StudentBillingState.close_card_form": Harmless("closes the add-card form, " + UI_ONLY),
    "StudentBillingState.download_csv": just("StudentBillingState.download_csv", routes.BILLING),
    "StudentBillingState.show_history_page": on(
        routes.BILLING, ("StudentBillingState.show_history_page", {"number": 2})
    ),
    "ReceiptState.load": on(receipt_page, ("ReceiptState.load", {})),
    # The student's lessons: every action on someone else's booking.
    f"{STUDENT}.load": just(f"{STUDENT}.load", routes.STUDENT_HOME),
    f"{STUDENT}.ask_cancel": on_bookings((f"{STUDENT}.ask_cancel", {"booking_id": "ID"})),
    f"{STUDENT}.confirm_cancel": on_bookings(
        (f"{STUDENT}.ask_cancel", {"booking_id": "ID"}), (f"{STUDENT}.confirm_cancel", {"form": {"reason": "x"}})
    ),
    f"{STUDENT}.close_cancel": Harmless("closes the cancel dialog, " + UI_ONLY),
    f"{STUDENT}.ask_move": on_bookings((f"{STUDENT}.ask_move", {"booking_id": "ID"})),
    f"{STUDENT}.move_to": on_bookings(
        (f"{STUDENT}.ask_move", {"booking_id": "ID"}), (f"{STUDENT}.move_to", {"iso": START})
    ),
    f"{STUDENT}.back_to_times": Harmless("goes back to the list of times in the move dialog, " + UI_ONLY),
    f"{STUDENT}.confirm_move": on_bookings(
        (f"{STUDENT}.ask_move", {"booking_id": "ID"}),
        (f"{STUDENT}.move_to", {"iso": START}),
        (f"{STUDENT}.confirm_move", {}),
    ),
    f"{STUDENT}.close_move": Harmless("closes the move dialog, " + UI_ONLY),
    f"{STUDENT}.answer_proposal": on_bookings((f"{STUDENT}.answer_proposal", {"booking_id": "ID", "accept": True})),
    f"{STUDENT}.add_to_calendar": on_bookings((f"{STUDENT}.add_to_calendar", {"booking_id": "ID"})),
    f"{STUDENT}.ask_review": on_bookings((f"{STUDENT}.ask_review", {"booking_id": "ID"}), kinds=("past",)),
    f"{STUDENT}.ask_edit": on_bookings((f"{STUDENT}.ask_edit", {"booking_id": "ID"}), kinds=("past",)),
    f"{STUDENT}.choose_stars": Harmless("picks stars in the review dialog, " + UI_ONLY),
    f"{STUDENT}.close_review": Harmless("closes the review dialog, " + UI_ONLY),
    f"{STUDENT}.submit_review": each(
        on_bookings(
            (f"{STUDENT}.ask_review", {"booking_id": "ID"}),
            (f"{STUDENT}.choose_stars", {"stars": 1}),
            (f"{STUDENT}.submit_review", {"form": REVIEW_FORM}),
            kinds=("past",),
        ),
        on_bookings(
            (f"{STUDENT}.ask_edit", {"booking_id": "ID"}),
            (f"{STUDENT}.choose_stars", {"stars": 1}),
            (f"{STUDENT}.submit_review", {"form": REVIEW_FORM}),
            kinds=("past",),
        ),
    ),
    # The instructor's lessons.
    f"{FEED}.load": just(f"{FEED}.load", routes.BOOKINGS),
    f"{FEED}.act": each(
        *(on_bookings((f"{FEED}.act", {"booking_id": "ID", "action": a})) for a in ("accept", "complete", "no_show"))
    ),
    f"{FEED}.ask_cancel": on_bookings((f"{FEED}.ask_cancel", {"booking_id": "ID"})),
    f"{FEED}.confirm_cancel": on_bookings(
        (f"{FEED}.ask_cancel", {"booking_id": "ID"}), (f"{FEED}.confirm_cancel", {"form": {"reason": "x"}})
    ),
    f"{FEED}.close_cancel": Harmless("closes the cancel dialog, " + UI_ONLY),
    f"{FEED}.ask_decline": on_bookings((f"{FEED}.ask_decline", {"booking_id": "ID"})),
    f"{FEED}.confirm_decline": on_bookings(
        (f"{FEED}.ask_decline", {"booking_id": "ID"}), (f"{FEED}.confirm_decline", {"form": {"reason": "x"}})
    ),
    f"{FEED}.close_decline": Harmless("closes the decline dialog, " + UI_ONLY),
    f"{FEED}.ask_move": on_bookings((f"{FEED}.ask_move", {"booking_id": "ID"})),
    f"{FEED}.move_to": on_bookings((f"{FEED}.ask_move", {"booking_id": "ID"}), (f"{FEED}.move_to", {"iso": START})),
    f"{FEED}.back_to_times": Harmless("goes back to the list of times in the move dialog, " + UI_ONLY),
    f"{FEED}.confirm_move": on_bookings(
        (f"{FEED}.ask_move", {"booking_id": "ID"}), (f"{FEED}.move_to", {"iso": START}), (f"{FEED}.confirm_move", {})
    ),
    f"{FEED}.close_move": Harmless("closes the move dialog, " + UI_ONLY),
    f"{FEED}.add_to_calendar": on_bookings((f"{FEED}.add_to_calendar", {"booking_id": "ID"})),
    f"{FEED}.show_upcoming_page": on(routes.BOOKINGS, (f"{FEED}.show_upcoming_page", {"number": 2})),
    f"{FEED}.show_past_page": on(routes.BOOKINGS, (f"{FEED}.show_past_page", {"number": 2})),
    # The instructor's workspace: every action on someone else's service, blackout or date.
    "InstructorHomeState.load": just("InstructorHomeState.load", routes.INSTRUCTOR_HOME),
    "InstructorHomeState.connect_payouts": just("InstructorHomeState.connect_payouts", routes.INSTRUCTOR_HOME),
    "InstructorHomeState.open_payouts_dashboard": just(
        "InstructorHomeState.open_payouts_dashboard", routes.INSTRUCTOR_HOME
    ),
    "InstructorPayoutsState.load": just("InstructorPayoutsState.load", routes.PAYOUTS),
    "InstructorPayoutsState.show_page": on(routes.PAYOUTS, ("InstructorPayoutsState.show_page", {"number": 2})),
    "InstructorPayoutsState.download_csv": just("InstructorPayoutsState.download_csv", routes.PAYOUTS),
    "InstructorProfileState.load": just("InstructorProfileState.load", routes.EDIT_PROFILE),
    "InstructorProfileState.save": on(
        routes.EDIT_PROFILE, ("InstructorProfileState.save", {"form": {"name": "Renamed", "headline": "Crafted"}})
    ),
    "InstructorProfileState.add_area": Harmless("adds a neighbourhood to the unsaved profile form, " + UI_ONLY),
    "InstructorProfileState.remove_area": Harmless("removes a neighbourhood from the unsaved profile form, " + UI_ONLY),
    "InstructorProfileState.count": Harmless("counts the characters typed in a profile field, " + UI_ONLY),
    "InstructorProfileState.upload_photo": Elsewhere(
        "the upload handler replaces only the caller's own photo (no id reaches it)",
        ("tests/services/instructors/test_profile.py",),
    ),
    "InstructorProfileState.add_service": on(
        routes.EDIT_PROFILE, ("InstructorProfileState.add_service", {"form": {"subject": "piano", "price_60": "40"}})
    ),
    "InstructorProfileState.open_edit": offering_action("open_edit"),
    "InstructorProfileState.close_edit": Harmless("closes the service dialog, " + UI_ONLY),
    "InstructorProfileState.save_service": on(
        routes.EDIT_PROFILE,
        step("InstructorProfileState.open_edit", offering_id=of("offering")),
        ("InstructorProfileState.save_service", {"form": {"subject": "piano", "price_60": "1"}}),
    ),
    "InstructorProfileState.pause_service": offering_action("pause_service", paused=True),
    "InstructorProfileState.remove_service": offering_action("remove_service"),
    "InstructorProfileState.restore_service": offering_action("restore_service"),
    "InstructorAvailabilityState.load": just("InstructorAvailabilityState.load", routes.AVAILABILITY),
    "InstructorAvailabilityState.remove_blackout": on(
        routes.AVAILABILITY, step("InstructorAvailabilityState.remove_blackout", row_id=of("blackout"))
    ),
    "InstructorAvailabilityState.remove_override": on(
        routes.AVAILABILITY, step("InstructorAvailabilityState.remove_override", row_id=of("override"))
    ),
    "InstructorAvailabilityState.add_blackout": on(
        routes.AVAILABILITY,
        (
            "InstructorAvailabilityState.add_blackout",
            {"form": {"first": "2031-02-01", "last": "2031-02-02", "note": "x"}},
        ),
    ),
    "InstructorAvailabilityState.add_override": on(
        routes.AVAILABILITY,
        ("InstructorAvailabilityState.add_override", {"form": {"day": "2031-02-03", "start": "10:00", "end": "11:00"}}),
    ),
    "InstructorAvailabilityState.save_rules": on(
        routes.AVAILABILITY,
        (
            "InstructorAvailabilityState.save_rules",
            {"form": {"buffer_min": "0", "notice_hours": "1", "horizon_days": "60"}},
        ),
    ),
    "InstructorAvailabilityState.save_week": on(
        routes.AVAILABILITY, ("InstructorAvailabilityState.load", {}), ("InstructorAvailabilityState.save_week", {})
    ),
    "InstructorAvailabilityState.set_period": Harmless("edits the unsaved weekly hours, " + UI_ONLY),
    "InstructorAvailabilityState.add_period": Harmless("adds a period to the unsaved weekly hours, " + UI_ONLY),
    "InstructorAvailabilityState.remove_period": Harmless("removes a period from the unsaved weekly hours, " + UI_ONLY),
    "InstructorAvailabilityState.shift_week": Harmless("pages the caller's own calendar week, " + UI_ONLY),
    # Messages: someone else's conversation, by its address.
    "InboxState.load": just("InboxState.load", routes.MESSAGES),
    "InboxState.open": each(
        on(lambda w, me: routes.message_about(other(w, "lesson", me)), ("InboxState.open", {})),
        on(lambda w, me: routes.message_instructor(str(other(w, "slug", me))), ("InboxState.open", {})),
    ),
    "ConversationState.open": on(conversation_page, ("ConversationState.open", {})),
    "ConversationState.load": on(conversation_page, ("ConversationState.load", {})),
    "ConversationState.send": on(conversation_page, ("ConversationState.send", {"form": {"body": "Crafted message"}})),
    "ConversationState.block": on(conversation_page, ("ConversationState.block", {})),
    "ConversationState.unblock": on(conversation_page, ("ConversationState.unblock", {})),
    "ConversationState.report": on(
        conversation_page, ("ConversationState.report", {"form": {"reason": "Crafted report"}})
    ),
    "ConversationState.set_report_open": Harmless("opens the report box, " + UI_ONLY),
    "ConversationState.stop": Harmless("ends this tab's live loop (its own counter only)"),
    "ConversationState.watch": on(conversation_page, ("ConversationState.watch", {})),
    # The admin's pages, by people who are not admins.
    "AdminHomeState.load": just("AdminHomeState.load", routes.ADMIN_HOME),
    "AdminHomeState.retry_mail": on(routes.ADMIN_HOME, step("AdminHomeState.retry_mail", message_id=of("mail"))),
    "AdminConversationState.load": on(admin_conversation_page, ("AdminConversationState.load", {})),
    "AdminConversationState.open_dialog": Harmless("opens the action's dialog, " + UI_ONLY),
    "AdminConversationState.set_dialog_open": Harmless("opens or closes the action's dialog, " + UI_ONLY),
    "AdminConversationState.confirm": each(
        admin_dialog(admin_conversation_page, "AdminConversationState", "hide_message", of("message")),
        admin_dialog(admin_conversation_page, "AdminConversationState", "restore_message", of("message")),
    ),
    # The admin console, by people who are not admins: every action on someone else's account or rows.
    "AdminPeopleState.load": each(
        just("AdminPeopleState.load", routes.ADMIN_PEOPLE),
        # A search whose results would show others' addresses (the address itself is echoed by Reflex's router).
        on(routes.admin_people("example.com"), ("AdminPeopleState.load", {})),
    ),
    "AdminPeopleState.search": Harmless("only sends this tab to the search's address; its load has its own entry"),
    "AdminPeopleState.show_page": on(routes.ADMIN_PEOPLE, ("AdminPeopleState.show_page", {"number": 2})),
    "AdminPersonState.load": on(admin_person_page, ("AdminPersonState.load", {})),
    "AdminPersonState.open_dialog": Harmless("opens the action's dialog, " + UI_ONLY),
    "AdminPersonState.set_dialog_open": Harmless("opens or closes the action's dialog, " + UI_ONLY),
    "AdminPersonState.confirm": each(
        admin_dialog(admin_person_page, "AdminPersonState", "suspend"),
        admin_dialog(admin_person_page, "AdminPersonState", "reset_two_factor"),
        admin_dialog(
            lambda w, me: routes.admin_person(w.actors["A"].user_id),
            "AdminPersonState",
            "cancel_lesson",
            of("lesson"),
        ),
    ),
    "AdminApprovalsState.load": just("AdminApprovalsState.load", routes.ADMIN_APPROVALS),
    "AdminApprovalsState.approve": on(
        routes.ADMIN_APPROVALS, step("AdminApprovalsState.approve", user_id=an_instructor_else)
    ),
    "AdminApprovalsState.open_dialog": Harmless("opens the action's dialog, " + UI_ONLY),
    "AdminApprovalsState.set_dialog_open": Harmless("opens or closes the action's dialog, " + UI_ONLY),
    "AdminApprovalsState.confirm": admin_dialog(
        routes.ADMIN_APPROVALS, "AdminApprovalsState", "ask_changes", an_instructor_else
    ),
    "AdminModerationState.load": just("AdminModerationState.load", routes.ADMIN_MODERATION),
    "AdminModerationState.open_dialog": Harmless("opens the action's dialog, " + UI_ONLY),
    "AdminModerationState.set_dialog_open": Harmless("opens or closes the action's dialog, " + UI_ONLY),
    "AdminModerationState.confirm": each(
        admin_dialog(routes.ADMIN_MODERATION, "AdminModerationState", "hide_review", of("review")),
        admin_dialog(routes.ADMIN_MODERATION, "AdminModerationState", "keep_review", of("review")),
        admin_dialog(routes.ADMIN_MODERATION, "AdminModerationState", "resolve_conversation", of("conversation")),
    ),
    "AdminAuditState.load": each(
        just("AdminAuditState.load", routes.ADMIN_AUDIT),
        on(lambda w, me: routes.admin_audit(person=someone_else(w, me)), ("AdminAuditState.load", {})),
    ),
    "AdminAuditState.filter": Harmless("only sends this tab to the log's filtered address; its load has its own entry"),
    "AdminAuditState.older": just("AdminAuditState.older", routes.ADMIN_AUDIT),
    "AdminAuditState.newest": just("AdminAuditState.newest", routes.ADMIN_AUDIT),
    "DevMailState.load": just("DevMailState.load", routes.DEV_MAIL),
    # The console's money pages, by people who are not admins: each refused by its service (no booking refunded, no
    # credit granted or taken back, no figure, reconciliation or CSV shown).
    "AdminBookingsState.load": just("AdminBookingsState.load", routes.ADMIN_BOOKINGS),
    "AdminBookingsState.apply_filters": on(
        routes.ADMIN_BOOKINGS, ("AdminBookingsState.apply_filters", {"form": {"status": "any", "student": ""}})
    ),
    "AdminBookingsState.show_page": on(routes.ADMIN_BOOKINGS, ("AdminBookingsState.show_page", {"number": 1})),
    "AdminBookingState.load": each(
        *[on(admin_booking_page(kind), ("AdminBookingState.load", {})) for kind in BOOKING_KINDS]
    ),
    "AdminBookingState.open_refund": Harmless(UI_ONLY),
    "AdminBookingState.set_refund_open": Harmless(UI_ONLY),
    "AdminBookingState.refund": each(
        *[
            on(
                admin_booking_page(kind),
                ("AdminBookingState.refund", {"form": {"amount": "1", "reason": "crafted"}}),
            )
            for kind in ("lesson", "past")
        ]
    ),
    "AdminCreditState.load": on(admin_credit_page, ("AdminCreditState.load", {})),
    "AdminCreditState.grant": on(
        admin_credit_page, ("AdminCreditState.grant", {"form": {"amount": "500", "reason": "crafted"}})
    ),
    "AdminCreditState.open_revoke": Harmless(UI_ONLY),
    "AdminCreditState.set_revoke_open": Harmless(UI_ONLY),
    "AdminCreditState.revoke": on(
        admin_credit_page,
        ("AdminCreditState.open_revoke", {"grant": {"id": 1, "remaining": "$20.00"}}),
        ("AdminCreditState.revoke", {"form": {"amount": "1", "reason": "crafted"}}),
    ),
    "AdminMetricsState.load": just("AdminMetricsState.load", routes.ADMIN_METRICS),
    "AdminMetricsState.show": on(
        routes.ADMIN_METRICS, ("AdminMetricsState.show", {"form": {"since": "2020-01-01", "until": "2020-12-31"}})
    ),
    "AdminMetricsState.download_csv": just("AdminMetricsState.download_csv", routes.ADMIN_METRICS),
    "AdminReconciliationState.load": just("AdminReconciliationState.load", routes.ADMIN_RECONCILIATION),
    "AdminReconciliationState.run": on(
        routes.ADMIN_RECONCILIATION,
        ("AdminReconciliationState.run", {"form": {"since": "2020-01-01", "until": "2040-12-31"}}),
    ),
    # A page's loaders in one event, each refusing as its own entry says: the admin console's, asked from home.
    "PageLoad.run": on(routes.HOME, ("PageLoad.run", {"route": routes.ADMIN_HOME})),
}

# Reflex's own handlers, which the app does not define: what each does and why it is safe to leave to Reflex.
REFLEX_OWN = {
    "State.hydrate": "sends this tab its own state; runs before every crafted event of the suite",
    "State.hydrate_and_load": "hydrate, then the page's loaders: every loader has its own entry",
    "State.set_is_hydrated": "a flag of this tab",
    "OnLoadInternalState.on_load_internal": "runs the page's loaders, each with its own entry",
    "OnLoadInternalState.set_is_hydrated": "a flag of this tab",
    "UpdateVarsInternalState.update_vars_internal": "sets this tab's cookie and local-storage vars; the app keeps none "
    "(the session is the HttpOnly cookie of the socket's request headers, how every crafted event carries it)",
    "FrontendEventExceptionState.handle_frontend_exception": "logs a browser-side error",
}

HTTP_ROUTES: dict[str, Entry] = {
    "/webhooks/stripe": Elsewhere(
        "forged, replayed and unsigned webhooks are refused",
        (
            "tests/services/money/test_webhooks.py::test_bad_signatures_and_junk_are_refused",
            "tests/services/money/test_webhooks.py::test_a_signature_from_the_future_is_refused",
            "tests/browser/test_webhook_endpoint.py",
        ),
    ),
    "/calendar/{token}.ics": Elsewhere(
        "a feed address is a secret token; made-up and turned-off ones get 404",
        (
            "tests/services/scheduling/test_calendar_feed.py::test_the_feed_address_serves_text_calendar_and_404_for_dead_links",
        ),
    ),
    "/photos/{name}": Elsewhere(
        "serves a stored photo by its name (a user id and a random token), nothing else: made-up, replaced and "
        "path-like names get 404; it takes no input but the name",
        (
            "tests/services/instructors/test_profile.py::test_the_photo_route_serves_a_stored_photo_for_good_and_nothing_else",
        ),
    ),
    "/_session/start": Elsewhere(
        "redeems a one-time, 60-second sign-in ticket (stored hashed) made by a checked login; a used, expired, "
        "made-up or cross-site one is refused and sets no cookie; the next page is on this site only",
        ("tests/test_session_routes.py", "tests/services/accounts/test_sign_in.py"),
    ),
    "/_session/end": Elsewhere(
        "clears this browser's session cookie (the logout event ended the session first); nothing else",
        ("tests/test_session_routes.py",),
    ),
    "/_status": Elsewhere(
        "the health check: read-only, public; says which of the database, Redis, the jobs timer and Stripe answer and "
        "when the jobs last ran, never an address, key or error text",
        ("tests/test_health.py",),
    ),
    "/ping": Harmless("Reflex's liveness answer: no data"),
    "/_health": Harmless("Reflex's health answer: whether the database and state manager answer, no data"),
    "/_event": Elsewhere(
        "the websocket every crafted event of this suite goes through", ("tests/security/test_crafted_events.py",)
    ),
    "/_upload": Elsewhere(
        "Reflex's upload route runs the upload handler of the tab whose token it carries "
        "(InstructorProfileState.upload_photo); what it serves is a folder of Reflex's own that nothing is written "
        "to (photos are served at /photos/{name}, rxconfig.py)",
        ("tests/services/instructors/test_profile.py",),
    ),
}

# Covered elsewhere, named here so SECURITY.md and the suite point at one list.
OTHER_ATTACKS = {
    "welcome-credit farming (issue 16 item 1)": (
        "tests/services/trust/test_referrals.py::test_a_card_spends_one_accounts_welcome_credit_only",
        "tests/services/trust/test_referrals.py::test_concurrent_payments_with_one_card_spend_one_welcome_credit",
    ),
    "password lockout and spraying": (
        "tests/services/accounts/test_accounts.py::test_five_failures_from_one_address_make_that_address_wait_for_the_rest_of_the_window",
        "tests/services/accounts/test_accounts.py::test_nobody_can_lock_someone_else_out_by_failing_on_purpose",
        "tests/services/accounts/test_accounts.py::test_one_address_trying_many_emails_is_slowed",
        "tests/services/accounts/test_two_factor.py::test_wrong_codes_are_throttled_like_passwords_and_the_password_does_not_reset_the_count",
    ),
    "security headers and cookie flags on real responses": (
        "tests/test_security_headers.py",
        "tests/browser/test_security_headers.py",
    ),
}
