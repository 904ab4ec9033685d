"""One card, one person: the rule both referral credits keep, by the card's Stripe fingerprint.

- The referrer's reward (services/trust/referrals.py) is refused when the two accounts used the same card
  (`same_card`).
- A welcome credit is spent only with a card that is the account's own (`card_taken`): not one that spent another
  account's welcome credit (`welcome_cards`, keyed by fingerprint, so the database refuses a second account however
  concurrent the payments), nor one the account's referrer used.

A payment spending a welcome credit only authorises the card (`payments.card_check` "due"); once Stripe says which
card it is, `decide` passes it (the card is now this account's for welcome credit, and the payment is captured, or
left for the instructor's answer) or refuses it: the payment is cancelled, nothing is charged, and the account's
welcome credit is set aside (`credits.withheld`), so the checkout shows the full price to pay instead.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from instainstru.db import transaction
from instainstru.models import Booking, Credit, CreditUse, Payment, PaymentCard, Referral, WelcomeCard
from instainstru.services.money.topups import locked_payment

WELCOME = "welcome"  # the kind of credit a friend's referral link gives
DUE, PASSED, REFUSED = "due", "passed", "refused"  # payments.card_check
CARD_TAKEN = (
    "This card has already been used with a welcome credit on another account, so your welcome credit cannot be "
    "used and nothing was charged. You can pay the full price shown, with this card or another."
)
WITHHELD = "Its card spent another account's welcome credit."


def cards_of(session: Session, user_id: int) -> set[str]:
    """The fingerprints of the cards an account used: its saved cards and the cards that spent its welcome credit."""
    saved = select(PaymentCard.fingerprint).where(PaymentCard.user_id == user_id, PaymentCard.fingerprint != "")
    welcome = select(WelcomeCard.fingerprint).where(WelcomeCard.user_id == user_id)
    return set(session.exec(saved)) | set(session.exec(welcome))


def same_card(session: Session, a: int, b: int) -> bool:
    """Did the two accounts use the same card?"""
    return bool(cards_of(session, a) & cards_of(session, b))


def card_taken(session: Session, fingerprint: str, user_id: int) -> bool:
    """Is the card another person's for welcome credit: it spent another account's welcome credit, or the account's
    referrer used it?"""
    claimed = session.get(WelcomeCard, fingerprint)
    if claimed is not None and claimed.user_id != user_id:
        return True
    referrer = session.exec(select(Referral.referrer_id).where(Referral.referred_id == user_id)).first()
    return referrer is not None and fingerprint in cards_of(session, referrer)


def spends_welcome(session: Session, payment_id: int) -> bool:
    """Does the payment take any of a welcome credit?"""
    uses = (
        select(CreditUse.id)
        .join(Credit, col(Credit.id) == CreditUse.credit_id)
        .where(CreditUse.payment_id == payment_id, Credit.kind == WELCOME, CreditUse.amount_cents > 0)
    )
    return session.exec(uses).first() is not None


def withhold_welcome(session: Session, user_id: int, reason: str) -> None:
    """Set the account's welcome credit aside: it is no longer spent (an admin may give it back)."""
    session.exec(
        update(Credit)
        .where(col(Credit.user_id) == user_id, col(Credit.kind) == WELCOME, col(Credit.withheld) == "")
        .values(withheld=reason)
    )


def decide(payment_id: int, fingerprint: str, now: datetime) -> bool:
    """Decide, once, whether the card that authorised the payment may spend its welcome credit (under the payment's
    lock: whoever applies the authorisation first decides, the others read the answer). Passed, the card is this
    account's for welcome credit from now on; refused, the account's welcome credit is set aside and the payment
    must be cancelled (`payments.failure_message` says why). Returns whether it passed. A card Stripe gave no
    fingerprint for passes: there is nothing to compare."""
    for _try in range(3):  # another account's payment may claim the card at the same moment: decide again
        try:
            with transaction() as session:
                payment = locked_payment(session, payment_id)
                if payment.card_check != DUE:
                    return payment.card_check != REFUSED
                student = session.get_one(Booking, payment.booking_id).student_id
                if fingerprint and card_taken(session, fingerprint, student):
                    payment.card_check, payment.failure_message = REFUSED, CARD_TAKEN
                    withhold_welcome(session, student, WITHHELD)
                else:
                    # Claimed for this account unless it already is. Not "unless anyone's": on SQLite the read in
                    # `card_taken` and this one may see different moments, and another account's claim made in
                    # between must collide with this insert (IntegrityError: decide again), not pass unseen.
                    mine = select(WelcomeCard.fingerprint).where(
                        WelcomeCard.fingerprint == fingerprint, WelcomeCard.user_id == student
                    )
                    if fingerprint and session.exec(mine).first() is None:
                        session.add(
                            WelcomeCard(fingerprint=fingerprint, user_id=student, payment_id=payment_id, created_at=now)
                        )
                        session.flush()
                    payment.card_check = PASSED
                session.add(payment)
                return payment.card_check == PASSED
        except IntegrityError:
            continue
    raise RuntimeError(f"payment {payment_id}: the card check kept colliding")


def refused(session: Session, intent_id: str) -> bool:
    """Was the payment of this PaymentIntent refused for its card?"""
    status = session.exec(select(Payment.card_check).where(Payment.stripe_payment_intent_id == intent_id)).first()
    return status == REFUSED
