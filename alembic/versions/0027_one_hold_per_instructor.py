"""one payment hold at a time per student and instructor (holds are made by the checkout's button, not its address)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 11:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLD = sa.text("status = 'pending_payment'")


def upgrade() -> None:
    # Older holds of one pair, all but the newest (they ran out long ago, or are cut short now): expired, their time
    # freed, as the booking engine expires a hold.
    older = (
        "SELECT id FROM bookings WHERE status = 'pending_payment' AND id NOT IN ("
        "SELECT max(id) FROM bookings WHERE status = 'pending_payment' GROUP BY student_id, instructor_id)"
    )
    op.execute(f"DELETE FROM booking_claims WHERE booking_id IN ({older})")
    op.execute(f"DELETE FROM student_claims WHERE booking_id IN ({older})")
    op.execute(f"UPDATE bookings SET status = 'expired' WHERE id IN ({older})")
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(
            'ux_bookings_one_hold', ['student_id', 'instructor_id'], unique=True, sqlite_where=HOLD, postgresql_where=HOLD
        )


def downgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ux_bookings_one_hold', sqlite_where=HOLD, postgresql_where=HOLD)
