"""Tables. Importing this package registers every table on `SQLModel.metadata`."""

from instainstru.models.admin import AdminAction
from instainstru.models.auth import (
    AuthSession,
    CalendarFeed,
    EmailLink,
    LoginFailure,
    PasswordReset,
    PendingSignup,
    SignInTicket,
    SignupRequest,
)
from instainstru.models.availability import Blackout, DateOverride
from instainstru.models.booking import BUSY_STATUSES, Booking, BookingClaim, BookingStatus, StudentClaim
from instainstru.models.changes import CatalogChange
from instainstru.models.discovery import AreaBorough, AreaCell, Favourite, WordStart
from instainstru.models.instructor import LOCATION_TYPES, InstructorProfile
from instainstru.models.message import Block, Conversation, ConversationReport, Message
from instainstru.models.notification import Notification
from instainstru.models.offering import (
    DURATIONS,
    MAX_PRICE_CENTS,
    MIN_PRICE_CENTS,
    TRIAL_MINUTES,
    Offering,
    OfferingPrice,
)
from instainstru.models.operations import JOBS_TIMER_ROW, JobsTimer
from instainstru.models.outbox import MailStatus, OutboxMessage
from instainstru.models.payment import LedgerAccount, LedgerEntry, LedgerKind, Payment, PaymentCard, PaymentStatus
from instainstru.models.photo import Photo
from instainstru.models.place import StudentAddress
from instainstru.models.referral import Credit, CreditUse, Referral, ReferralCode, WelcomeCard
from instainstru.models.review import STARS, Review, ReviewReport
from instainstru.models.two_factor import LoginChallenge, RecoveryCode, TrustedDevice, TwoFactor
from instainstru.models.types import UTCDateTime, utcnow
from instainstru.models.user import Role, User
from instainstru.models.webhook import ProcessedEvent

__all__ = [
    "BUSY_STATUSES",
    "DURATIONS",
    "JOBS_TIMER_ROW",
    "LOCATION_TYPES",
    "MAX_PRICE_CENTS",
    "MIN_PRICE_CENTS",
    "STARS",
    "TRIAL_MINUTES",
    "AdminAction",
    "AreaBorough",
    "AreaCell",
    "AuthSession",
    "Blackout",
    "Block",
    "Booking",
    "CatalogChange",
    "BookingClaim",
    "BookingStatus",
    "CalendarFeed",
    "Conversation",
    "ConversationReport",
    "Credit",
    "CreditUse",
    "DateOverride",
    "EmailLink",
    "Favourite",
    "InstructorProfile",
    "JobsTimer",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerKind",
    "LoginChallenge",
    "LoginFailure",
    "MailStatus",
    "Message",
    "Notification",
    "Offering",
    "OfferingPrice",
    "OutboxMessage",
    "PasswordReset",
    "SignInTicket",
    "PendingSignup",
    "Payment",
    "PaymentCard",
    "PaymentStatus",
    "Photo",
    "ProcessedEvent",
    "Referral",
    "RecoveryCode",
    "ReferralCode",
    "Review",
    "ReviewReport",
    "Role",
    "SignupRequest",
    "StudentAddress",
    "StudentClaim",
    "TrustedDevice",
    "TwoFactor",
    "UTCDateTime",
    "User",
    "WelcomeCard",
    "utcnow",
    "WordStart",
]
