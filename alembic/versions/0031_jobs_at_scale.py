"""jobs at scale: each job reads only the rows that still need work. Partial indexes on the bookings each job looks
at (holds, requests, confirmed lessons, cancelled lessons still owed a refund), markers for what the jobs are done
with for good (`payments.settled`, `bookings.refund_settled`), and the indexes the jobs' look-ups lacked

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLD = sa.text("status = 'pending_payment'")
REQUEST = sa.text("status = 'requested'")
CONFIRMED = sa.text("status = 'confirmed'")
REFUND_OPEN = sa.text("refund_due_cents > 0 AND refund_settled = false")
WITH_CREDIT = sa.text("credit_cents > 0")
TOPUP_DUE = sa.text("kind = 'topup_due'")
TOPUP_KEPT = sa.text(
    "ledger_entries.charge_id LIKE 'credit-%' AND ledger_entries.kind IN ('instructor_share', 'share_reversal')"
)
BOOKING_INDEXES = (
    ('ix_bookings_holds_due', 'hold_expires_at', HOLD),
    ('ix_bookings_requests_due', 'hold_expires_at', REQUEST),
    ('ix_bookings_confirmed_start', 'start_at', CONFIRMED),
    ('ix_bookings_confirmed_end', 'end_at', CONFIRMED),
    ('ix_bookings_refunds_open', 'start_at', REFUND_OPEN),
)
# A succeeded payment whose charge is its lesson's own (the first charged), the lesson paid or cancelled: the jobs
# have nothing more to settle on it (a later run marks the rest, as it decides them).
SETTLED = """
UPDATE payments SET settled = true
WHERE status = 'succeeded' AND charge_id IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM bookings WHERE bookings.id = payments.booking_id
      AND bookings.status IN ('confirmed', 'completed', 'no_show', 'cancelled_by_student', 'cancelled_by_instructor')
  )
  AND charge_id = (
    SELECT ledger_entries.charge_id FROM ledger_entries
    WHERE ledger_entries.booking_id = payments.booking_id AND ledger_entries.kind = 'charge'
    ORDER BY ledger_entries.id LIMIT 1
  )
"""


def upgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_settled', sa.Boolean(), server_default='0', nullable=False))
        for name, column, where in BOOKING_INDEXES:
            batch_op.create_index(name, [column], unique=False, sqlite_where=where, postgresql_where=where)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index('ix_payments_status_settled', ['status', 'settled'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_charge_id'), ['charge_id'], unique=False)
        batch_op.create_index(
            'ix_payments_with_credit', ['status'], unique=False, sqlite_where=WITH_CREDIT, postgresql_where=WITH_CREDIT
        )
    op.execute(SETTLED)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_ledger_entries_topup_due', ['charge_id'], unique=False, sqlite_where=TOPUP_DUE, postgresql_where=TOPUP_DUE
        )
        batch_op.create_index(
            'ix_ledger_entries_topup_kept',
            ['charge_id'],
            unique=False,
            sqlite_where=TOPUP_KEPT,
            postgresql_where=TOPUP_KEPT,
        )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_student_id'), ['student_id'], unique=False)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_created', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_created')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_student_id'))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_topup_kept', sqlite_where=TOPUP_KEPT, postgresql_where=TOPUP_KEPT)
        batch_op.drop_index('ix_ledger_entries_topup_due', sqlite_where=TOPUP_DUE, postgresql_where=TOPUP_DUE)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_with_credit', sqlite_where=WITH_CREDIT, postgresql_where=WITH_CREDIT)
        batch_op.drop_index(batch_op.f('ix_payments_charge_id'))
        batch_op.drop_index('ix_payments_status_settled')
        batch_op.drop_column('settled')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        for name, _, where in reversed(BOOKING_INDEXES):
            batch_op.drop_index(name, sqlite_where=where, postgresql_where=where)
        batch_op.drop_column('refund_settled')
