"""hold seats: a student's payment holds take numbered seats, unique per student, so concurrent holds with several
instructors cannot pass the cap of holds per student together

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLD = sa.text("status = 'pending_payment'")


def upgrade() -> None:
    # Holds made before take no seat (they still count towards the cap, and run out within minutes).
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_seat', sa.Integer(), nullable=True))
        batch_op.create_index(
            'ux_bookings_hold_seat', ['student_id', 'hold_seat'], unique=True, sqlite_where=HOLD, postgresql_where=HOLD
        )


def downgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ux_bookings_hold_seat', sqlite_where=HOLD, postgresql_where=HOLD)
        batch_op.drop_column('hold_seat')
