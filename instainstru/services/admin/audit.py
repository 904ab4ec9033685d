"""The audit log: every admin action is written here in the same transaction as the change it records, and read
back (newest first, filtered) by the console. Rows are only ever added."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from instainstru.db import transaction
from instainstru.models import AdminAction, User
from instainstru.models.user import Role
from instainstru.services.accounts.access import Actor, require_role
from instainstru.services.errors import FormError

REASON_MAX = 500
DETAIL_MAX = 200


def clean_reason(reason: str) -> str:
    """`reason` with its whitespace folded; FormError (field `reason`) when empty or longer than REASON_MAX."""
    reason = " ".join(reason.split())
    if not reason:
        raise FormError({"reason": "Say why: it is kept in the audit log."})
    if len(reason) > REASON_MAX:
        raise FormError({"reason": f"Use at most {REASON_MAX} characters."})
    return reason


def record(
    session: Session,
    admin: Actor,
    action: str,
    *,
    reason: str,
    at: datetime,
    target_user_id: int | None = None,
    booking_id: int | None = None,
    detail: str = "",
) -> AdminAction:
    """Add one audit row for `admin` doing `action` (in the caller's transaction, so it lands with the change)."""
    row = AdminAction(
        admin_id=admin.user_id,
        action=action,
        target_user_id=target_user_id,
        booking_id=booking_id,
        reason=reason,
        detail=detail[:DETAIL_MAX],
        at=at,
    )
    session.add(row)
    return row


@dataclass(frozen=True, kw_only=True)
class AuditRow:
    """One audit log line as the console shows it."""

    id: int
    at: datetime
    admin_name: str
    action: str
    target_user_id: int | None
    target_name: str
    booking_id: int | None
    reason: str
    detail: str


def list_actions(
    actor: Actor | None,
    *,
    action: str = "",
    target_user_id: int | None = None,
    booking_id: int | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[AuditRow]:
    """The newest audit rows (admins only), filtered by action, person acted on or lesson; `before_id` pages on."""
    require_role(actor, Role.ADMIN)
    admin, target = aliased(User), aliased(User)
    query = (
        select(AdminAction, admin.name, target.name)
        .join(admin, col(admin.id) == col(AdminAction.admin_id))
        .outerjoin(target, col(target.id) == col(AdminAction.target_user_id))
        .order_by(col(AdminAction.id).desc())
        .limit(limit)
    )
    if action:
        query = query.where(col(AdminAction.action) == action)
    if target_user_id is not None:
        query = query.where(col(AdminAction.target_user_id) == target_user_id)
    if booking_id is not None:
        query = query.where(col(AdminAction.booking_id) == booking_id)
    if before_id is not None:
        query = query.where(col(AdminAction.id) < before_id)
    with transaction() as session:
        return [
            AuditRow(
                id=row.id or 0,
                at=row.at,
                admin_name=admin_name,
                action=row.action,
                target_user_id=row.target_user_id,
                target_name=target_name or "",
                booking_id=row.booking_id,
                reason=row.reason,
                detail=row.detail,
            )
            for row, admin_name, target_name in session.exec(query).all()
        ]
