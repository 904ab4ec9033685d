"""the jobs read only what is due: marks written as things change, each on a partial index holding only the rows
marked: a referral whose friend's first paid lesson is completed (`referrals.reward_due`), a credit top-up whose
lesson is done (`payments.topup_due_at`), a top-up the ledger changed since Stripe last agreed (`payments.
topup_out_of_line`); the rows due now are marked here. The top-up lines' own index goes (pay_due no longer
reads them)

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REWARD_DUE = sa.text("referrals.reward_due = true")
TOPUP_WAITING = sa.text("topup_due_at IS NOT NULL")
TOPUP_OUT_OF_LINE = sa.text("payments.topup_out_of_line = true")
TOPUP_DUE = sa.text("kind = 'topup_due'")
PAID_AFTER = timedelta(hours=24)  # topups.PAID_AFTER when this was written: a top-up is paid a day after the lesson

# A referral still waiting whose friend has a completed lesson that was paid (its card charge in the ledger).
MARK_REFERRALS = """
UPDATE referrals SET reward_due = true
WHERE status = 'signed_up' AND EXISTS (
    SELECT 1 FROM bookings JOIN ledger_entries ON ledger_entries.booking_id = bookings.id
    WHERE bookings.student_id = referrals.referred_id AND bookings.status = 'completed' AND ledger_entries.kind = 'charge'
)
"""
# What the ledger says of a paid payment's top-up: what the instructor keeps of it, and what is still set aside.
LINES = """(
    SELECT COALESCE(SUM(ledger_entries.amount_cents), 0) FROM ledger_entries
    WHERE ledger_entries.charge_id = 'credit-' || CAST(payments.id AS VARCHAR) AND ledger_entries.kind IN ({kinds})
)"""
KEPT = LINES.format(kinds="'instructor_share', 'share_reversal'")
SET_ASIDE = LINES.format(kinds="'topup_due'")
# A top-up at Stripe (as last seen) that differs from the ledger's.
MARK_OUT_OF_LINE = f"""
UPDATE payments SET topup_out_of_line = true
WHERE status = 'succeeded' AND credit_cents > 0
  AND ({KEPT} <> topup_cents OR ({KEPT} <> 0 AND topup_transfer_id IS NULL))
"""
# A top-up still set aside whose lesson is done (completed or a no-show), with the lesson's end.
SET_ASIDE_DONE = f"""
SELECT payments.id, bookings.end_at FROM payments JOIN bookings ON bookings.id = payments.booking_id
WHERE payments.status = 'succeeded' AND payments.credit_cents > 0 AND bookings.status IN ('completed', 'no_show')
  AND {SET_ASIDE} > 0
"""


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reward_due", sa.Boolean(), server_default="0", nullable=False))
        batch_op.create_index(
            "ix_referrals_reward_due", ["id"], unique=False, sqlite_where=REWARD_DUE, postgresql_where=REWARD_DUE
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topup_due_at", instainstru.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("topup_out_of_line", sa.Boolean(), server_default="0", nullable=False))
        batch_op.create_index(
            "ix_payments_topup_due",
            ["topup_due_at"],
            unique=False,
            sqlite_where=TOPUP_WAITING,
            postgresql_where=TOPUP_WAITING,
        )
        batch_op.create_index(
            "ix_payments_topup_out_of_line",
            ["id"],
            unique=False,
            sqlite_where=TOPUP_OUT_OF_LINE,
            postgresql_where=TOPUP_OUT_OF_LINE,
        )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:  # pay_due reads the payments marked instead
        batch_op.drop_index('ix_ledger_entries_topup_due', sqlite_where=TOPUP_DUE, postgresql_where=TOPUP_DUE)
    op.execute(MARK_REFERRALS)
    op.execute(MARK_OUT_OF_LINE)
    bind = op.get_bind()
    done = sa.text(SET_ASIDE_DONE).columns(
        sa.column("id", sa.Integer()), sa.column("end_at", instainstru.models.types.UTCDateTime())
    )
    payments = sa.table("payments", sa.column("id"), sa.column("topup_due_at", instainstru.models.types.UTCDateTime()))
    for payment_id, end_at in bind.execute(done).all():  # few: the lessons done in the last day, or a run missed
        bind.execute(sa.update(payments).where(payments.c.id == payment_id).values(topup_due_at=end_at + PAID_AFTER))


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_ledger_entries_topup_due', ['charge_id'], unique=False, sqlite_where=TOPUP_DUE, postgresql_where=TOPUP_DUE
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_payments_topup_out_of_line", sqlite_where=TOPUP_OUT_OF_LINE, postgresql_where=TOPUP_OUT_OF_LINE
        )
        batch_op.drop_index("ix_payments_topup_due", sqlite_where=TOPUP_WAITING, postgresql_where=TOPUP_WAITING)
        batch_op.drop_column("topup_out_of_line")
        batch_op.drop_column("topup_due_at")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_reward_due", sqlite_where=REWARD_DUE, postgresql_where=REWARD_DUE)
        batch_op.drop_column("reward_due")
