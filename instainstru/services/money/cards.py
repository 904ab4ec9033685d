"""Students' saved cards. Card numbers never reach us: the browser saves a card at Stripe (through a SetupIntent on
the billing page, or while paying at checkout), and we keep the payment method's id with its brand, last four
digits, expiry and fingerprint. A card number is kept once per student: saving it again (same fingerprint) brings
the kept card up to date with the new copy, and the copy it replaces is forgotten at Stripe."""

from contextlib import suppress
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from instainstru.db import transaction
from instainstru.gateways import stripe_payments
from instainstru.gateways.stripe_gateway import CardDeclined, PaymentsUnavailable
from instainstru.models import PaymentCard, Role, User
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError, PermissionDenied
from instainstru.services.ids import row_id
from instainstru.services.money import card_messages
from instainstru.services.money.card_messages import UNAVAILABLE


@dataclass(frozen=True)
class CardView:
    """A saved card as pages show it."""

    id: int
    label: str  # "Visa •••• 4242, expires 12/34"
    is_default: bool


def _view(card: PaymentCard) -> CardView:
    assert card.id is not None  # a stored card
    expires = f"{card.exp_month:02d}/{card.exp_year % 100:02d}"
    return CardView(card.id, f"{card.brand.title()} •••• {card.last4}, expires {expires}", card.is_default)


def customer_for(actor: Actor) -> str:
    """The student's Stripe customer id, created at Stripe the first time it is needed."""
    with transaction() as session:
        existing = session.get_one(User, actor.user_id).stripe_customer_id
    if existing:
        return existing
    created = stripe_payments.create_customer(actor.email, actor.name)
    with transaction() as session:
        user = session.get_one(User, actor.user_id)
        if not user.stripe_customer_id:  # a concurrent request may have set one: keep the first
            user.stripe_customer_id = created
            session.add(user)
        return user.stripe_customer_id


def start_card_setup(actor: Actor | None) -> str:
    """A SetupIntent client secret for the browser to save a new card with."""
    actor = require_role(actor, Role.STUDENT)
    try:
        return stripe_payments.start_card_setup(customer_for(actor))[1]
    except PaymentsUnavailable:
        raise FormError({"card": UNAVAILABLE}) from None


def save_card(actor: Actor | None, setup_intent_id: str) -> CardView:
    """Remember the card the browser just saved, after checking with Stripe that it is the caller's."""
    actor = require_role(actor, Role.STUDENT)
    try:
        customer = customer_for(actor)
        owner, status, method = stripe_payments.setup_result(str(setup_intent_id))
        if owner != customer or status != "succeeded" or not method:
            raise FormError({"card": card_messages.NOT_SAVED})
        info = stripe_payments.card(method)
        if info.customer != customer:
            stripe_payments.attach_card(method, customer)
    except CardDeclined as exc:
        raise FormError({"card": card_messages.message_for(exc.code, exc.decline_code)}) from None
    except PaymentsUnavailable:
        raise FormError({"card": UNAVAILABLE}) from None
    return _remember(actor, info)


def keep_paid_card(actor: Actor | None, payment_method_id: str) -> CardView | None:
    """Remember the new card a payment of the caller's was just made with (Stripe saved it to their customer once
    the payment was authorised); None when it is not theirs at Stripe (never saved, or removed meanwhile)."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        known = session.exec(
            select(PaymentCard).where(
                PaymentCard.user_id == actor.user_id, PaymentCard.stripe_payment_method_id == payment_method_id
            )
        )
        card = known.first()
        if card is not None:
            return _view(card)
    info = stripe_payments.card(payment_method_id)
    return _remember(actor, info) if info.customer and info.customer == customer_for(actor) else None


def _remember(actor: Actor, info: stripe_payments.CardInfo) -> CardView:
    """Keep a card the caller saved at Stripe: as a new card, or, when they already have this card number (the
    same fingerprint), as that card brought up to date (the default one, else the oldest: its place in their
    list stays), other copies removed; the payment methods it replaces are detached at Stripe."""
    same = col(PaymentCard.stripe_payment_method_id) == info.id
    if info.fingerprint:
        same = or_(same, col(PaymentCard.fingerprint) == info.fingerprint)
    with transaction() as session:
        session.exec(select(User.id).where(User.id == actor.user_id).with_for_update()).one()  # one save at a time
        kept = list(
            session.exec(
                select(PaymentCard)
                .where(PaymentCard.user_id == actor.user_id, same)
                .order_by(col(PaymentCard.is_default).desc(), col(PaymentCard.id))
            )
        )
        replaced = {card.stripe_payment_method_id for card in kept} - {info.id}
        if kept:
            card, *copies = kept
            for copy in copies:
                session.delete(copy)
            session.flush()  # the copies' payment method ids are free before the kept card takes one of them
            card.stripe_payment_method_id, card.brand, card.last4 = info.id, info.brand, info.last4
            card.exp_month, card.exp_year, card.fingerprint = info.exp_month, info.exp_year, info.fingerprint
        else:
            card = PaymentCard(
                user_id=actor.user_id,
                stripe_payment_method_id=info.id,
                brand=info.brand,
                last4=info.last4,
                exp_month=info.exp_month,
                exp_year=info.exp_year,
                fingerprint=info.fingerprint,
            )
        session.add(card)
        session.flush()
        view = _view(card)
    for method in replaced:  # best effort: a copy left at Stripe is never listed nor charged
        with suppress(PaymentsUnavailable):
            stripe_payments.detach_card(method)
    return view


def saved_cards(actor: Actor | None) -> list[CardView]:
    """The caller's saved cards: the default one first, then newest first."""
    with transaction() as session:
        return saved_cards_in(session, actor)


def saved_cards_in(session: Session, actor: Actor | None) -> list[CardView]:
    """`saved_cards` in the caller's transaction (a page reading several things at once)."""
    actor = require_role(actor, Role.STUDENT)
    cards = session.exec(
        select(PaymentCard)
        .where(PaymentCard.user_id == actor.user_id)
        .order_by(col(PaymentCard.is_default).desc(), col(PaymentCard.id).desc())
    )
    return [_view(card) for card in cards]


def set_default(actor: Actor | None, card_id: int | str) -> None:
    """Make one of the caller's cards the one checkout offers first."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        chosen = owned_card(session, actor, row_id(card_id))
        for card in session.exec(select(PaymentCard).where(PaymentCard.user_id == actor.user_id)):
            card.is_default = card.id == chosen.id
            session.add(card)


def owned_card(session: Session, actor: Actor, card_id: int) -> PaymentCard:
    """One of the caller's cards; anyone else's is refused."""
    card = session.get(PaymentCard, card_id)
    if card is None or card.user_id != actor.user_id:
        raise PermissionDenied()
    return card


def remove_card(actor: Actor | None, card_id: int | str) -> None:
    """Forget one of the caller's cards, here and at Stripe."""
    actor = require_role(actor, Role.STUDENT)
    with transaction() as session:
        method = owned_card(session, actor, row_id(card_id)).stripe_payment_method_id
    try:
        stripe_payments.detach_card(method)
    except PaymentsUnavailable:
        raise FormError({"card": UNAVAILABLE}) from None
    with transaction() as session:
        session.delete(owned_card(session, actor, row_id(card_id)))
