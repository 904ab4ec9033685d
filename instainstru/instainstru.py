"""The app: pages registered with their routes and loaders, nothing else."""

import reflex as rx

from instainstru import logs, routes
from instainstru.api import api
from instainstru.background import run_jobs_forever
from instainstru.components import dialog
from instainstru.demo_data_gate import demo_data_in
from instainstru.page_addresses import PagesAtTheirAddress, page_folders
from instainstru.pages.account_settings import account_settings_page
from instainstru.pages.admin_approvals import admin_approvals_page
from instainstru.pages.admin_audit import admin_audit_page
from instainstru.pages.admin_bookings import booking_page, bookings_page
from instainstru.pages.admin_credit import credit_page
from instainstru.pages.admin_metrics import metrics_page, reconciliation_page
from instainstru.pages.admin_moderation import admin_moderation_page
from instainstru.pages.admin_people import admin_people_page, admin_person_page
from instainstru.pages.auth import login_page, signup_page
from instainstru.pages.billing import billing_page, receipt_page
from instainstru.pages.checkout import checkout_page
from instainstru.pages.dashboards import admin_page, instructor_page, student_page
from instainstru.pages.dev_mail import dev_mail_page
from instainstru.pages.favourites import favourites_page
from instainstru.pages.finish_signup import finish_signup_page
from instainstru.pages.home import home_page
from instainstru.pages.instructor_availability import instructor_availability_page
from instainstru.pages.instructor_bookings import instructor_bookings_page
from instainstru.pages.instructor_profile import instructor_profile_page
from instainstru.pages.messages import admin_conversation_page, conversation_page, inbox_page
from instainstru.pages.password_reset import forgot_password_page, reset_password_page
from instainstru.pages.payouts import payouts_page
from instainstru.pages.public import not_found_page, public_instructor_page
from instainstru.pages.referrals import referral_link_page, student_referrals_page
from instainstru.pages.search import search_page
from instainstru.pages.two_step import two_step_page
from instainstru.pages.verify_email import verify_email_page
from instainstru.security_headers import SecurityHeaders, headers_for
from instainstru.settings import get_settings
from instainstru.state.account_settings import AccountSettingsState
from instainstru.state.admin_approvals import AdminApprovalsState
from instainstru.state.admin_audit import AdminAuditState
from instainstru.state.admin_bookings import AdminBookingsState, AdminBookingState
from instainstru.state.admin_credit import AdminCreditState
from instainstru.state.admin_metrics import AdminMetricsState, AdminReconciliationState
from instainstru.state.admin_moderation import AdminModerationState
from instainstru.state.admin_people import AdminPeopleState, AdminPersonState
from instainstru.state.billing import ReceiptState, StudentBillingState
from instainstru.state.checkout import CheckoutState
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState
from instainstru.state.dev_mail import DevMailState
from instainstru.state.errors import on_backend_error
from instainstru.state.finish_signup import FinishSignupState
from instainstru.state.home import HomeState
from instainstru.state.instructor_availability import InstructorAvailabilityState
from instainstru.state.instructor_bookings import InstructorBookingsState
from instainstru.state.instructor_profile import InstructorProfileState
from instainstru.state.instructor_public import InstructorPublicState
from instainstru.state.login import LoginState
from instainstru.state.login_sessions import LoginSessionsState
from instainstru.state.messages import AdminConversationState, ConversationState, InboxState, MessagesBadgeState
from instainstru.state.notifications import BellState
from instainstru.state.page_load import loading
from instainstru.state.password_reset import ForgotPasswordState, ResetPasswordState
from instainstru.state.payouts import InstructorPayoutsState
from instainstru.state.profile_reviews import ProfileReviewsState
from instainstru.state.referrals import ReferralLinkState, StudentReferralsState
from instainstru.state.search import FavouriteState, SearchState, StudentFavouritesState
from instainstru.state.session import SessionChange, SessionState
from instainstru.state.signup import SignupState
from instainstru.state.two_step import TwoStepState
from instainstru.state.verify_email import VerifyEmailState
from instainstru.state.viewer_zone import SAVE_ZONE_JS

HEADER = (SessionState.refresh, BellState.load, MessagesBadgeState.load)  # who is logged in, their unread counts
# (page, route, title, what loads it). Pages that show the header load it first.
PAGES = (
    (home_page, routes.HOME, "Lessons in NYC", [*HEADER, HomeState.load, FavouriteState.load]),
    (login_page, routes.LOGIN, "Log in", [LoginState.open]),
    (signup_page, routes.SIGNUP, "Sign up", [SignupState.open]),
    (finish_signup_page, routes.FINISH_SIGNUP_PAGE, "Finish signing up", [*HEADER, FinishSignupState.open]),
    (
        forgot_password_page,
        routes.FORGOT_PASSWORD,
        "Forgot password",
        [*HEADER, ForgotPasswordState.open],
    ),
    (
        reset_password_page,
        routes.RESET_PASSWORD_PAGE,
        "Choose a new password",
        [*HEADER, ResetPasswordState.open],
    ),
    (
        verify_email_page,
        routes.VERIFY_EMAIL_PAGE,
        "Confirm your email",
        [*HEADER, VerifyEmailState.open],
    ),
    (
        account_settings_page,
        routes.SETTINGS,
        "Account settings",
        [*HEADER, AccountSettingsState.load, TwoStepState.load, LoginSessionsState.load],
    ),
    (two_step_page, routes.TWO_STEP, "Two-step verification", [*HEADER, TwoStepState.load]),
    (dev_mail_page, routes.DEV_MAIL, "Caught mail", [*HEADER, DevMailState.load]),
    (search_page, routes.SEARCH, "Search", [*HEADER, SearchState.load, FavouriteState.load]),
    (
        public_instructor_page,
        routes.INSTRUCTOR_PAGE,
        "Instructor",
        [*HEADER, InstructorPublicState.load, ProfileReviewsState.load, FavouriteState.load],
    ),
    (student_page, routes.STUDENT_HOME, "My lessons", [*HEADER, StudentHomeState.load]),
    (
        favourites_page,
        routes.FAVOURITES,
        "Favourites",
        [*HEADER, StudentFavouritesState.load, FavouriteState.load],
    ),
    (billing_page, routes.BILLING, "Billing", [*HEADER, StudentBillingState.load]),
    (receipt_page, routes.RECEIPT_PAGE, "Receipt", [*HEADER, ReceiptState.load]),
    (instructor_page, routes.INSTRUCTOR_HOME, "Dashboard", [*HEADER, InstructorHomeState.load]),
    (
        instructor_profile_page,
        routes.EDIT_PROFILE,
        "Your profile",
        [*HEADER, InstructorProfileState.load],
    ),
    (
        instructor_availability_page,
        routes.AVAILABILITY,
        "Availability",
        [*HEADER, InstructorAvailabilityState.load],
    ),
    (
        instructor_bookings_page,
        routes.BOOKINGS,
        "Bookings",
        [*HEADER, InstructorBookingsState.load],
    ),
    (payouts_page, routes.PAYOUTS, "Payouts", [*HEADER, InstructorPayoutsState.load]),
    (
        checkout_page,
        routes.CHECKOUT_PAGE,
        "Book a lesson",
        [*HEADER, CheckoutState.open],
    ),
    (referral_link_page, routes.REFERRAL_PAGE, "You're invited", [*HEADER, ReferralLinkState.open]),
    (
        student_referrals_page,
        routes.REFERRALS,
        "Invite friends",
        [*HEADER, StudentReferralsState.load],
    ),
    (admin_page, routes.ADMIN_HOME, "Admin", [*HEADER, AdminHomeState.load]),
    (
        admin_conversation_page,
        routes.ADMIN_CONVERSATION_PAGE,
        "Reported conversation",
        [*HEADER, AdminConversationState.load],
    ),
    (bookings_page, routes.ADMIN_BOOKINGS, "Bookings", [*HEADER, AdminBookingsState.load]),
    (booking_page, routes.ADMIN_BOOKING_PAGE, "Booking", [*HEADER, AdminBookingState.load]),
    (credit_page, routes.ADMIN_CREDIT_PAGE, "Credit", [*HEADER, AdminCreditState.load]),
    (metrics_page, routes.ADMIN_METRICS, "Metrics", [*HEADER, AdminMetricsState.load]),
    (reconciliation_page, routes.ADMIN_RECONCILIATION, "Reconciliation", [*HEADER, AdminReconciliationState.load]),
    (admin_people_page, routes.ADMIN_PEOPLE, "People", [*HEADER, AdminPeopleState.load]),
    (admin_person_page, routes.ADMIN_PERSON_PAGE, "Person", [*HEADER, AdminPersonState.load]),
    (admin_approvals_page, routes.ADMIN_APPROVALS, "Instructor approvals", [*HEADER, AdminApprovalsState.load]),
    (admin_moderation_page, routes.ADMIN_MODERATION, "Moderation", [*HEADER, AdminModerationState.load]),
    (admin_audit_page, routes.ADMIN_AUDIT, "Audit log", [*HEADER, AdminAuditState.load]),
    (inbox_page, routes.MESSAGES, "Messages", [*HEADER, InboxState.open]),
    (
        conversation_page,
        routes.CONVERSATION_PAGE,
        "Messages",
        [*HEADER, ConversationState.open, MessagesBadgeState.load],  # read: the header counts again
    ),
    (not_found_page, routes.NOT_FOUND, "Page not found", [*HEADER]),
)

logs.configure()  # money movements, webhooks and logins as JSON lines on stderr (docs/OPERATIONS.md)
app = rx.App(
    backend_exception_handler=on_backend_error,
    stylesheets=["/accessibility.css"],  # what the theme leaves out for WCAG 2 AA (docs/ACCESSIBILITY.md)
    head_components=[
        rx.el.script(SAVE_ZONE_JS),  # the browser's time zone, for the page's websocket to send
        rx.script(src=dialog.SCRIPT),  # dialogs give the focus back to what opened them
    ],
    # Our HTTP routes; a page's address served without a redirect to it with a slash (page_addresses.py); then the
    # security headers on every response (pages, assets and uploads included).
    api_transformer=[
        api,
        lambda served: PagesAtTheirAddress(served, page_folders(route for _, route, _, _ in PAGES)),
        lambda served: SecurityHeaders(served, headers_for(get_settings())),
    ],
)
app.add_middleware(SessionChange())  # a tab whose session changed forgets every state before an event runs
# Before the jobs timer: nothing serves or runs before ./scripts/run's demo data is in.
app.register_lifespan_task(demo_data_in)
app.register_lifespan_task(run_jobs_forever)
for component, route, title, loaders in PAGES:  # each page's loaders in one event (state/page_load.py)
    app.add_page(component, route=route, title=f"{title} · InstaInstru", on_load=loading(route, loaders))
