"""admin audit log: each admin action may name the lesson it was about and a short line of what changed

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-01 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admin_actions") as batch:
        batch.add_column(sa.Column("booking_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(length=200), nullable=False, server_default=""))
        batch.create_foreign_key("fk_admin_actions_booking_id", "bookings", ["booking_id"], ["id"])
        batch.create_index("ix_admin_actions_booking_id", ["booking_id"])
        batch.create_index("ix_admin_actions_at", ["at"])


def downgrade() -> None:
    with op.batch_alter_table("admin_actions") as batch:
        batch.drop_index("ix_admin_actions_at")
        batch.drop_index("ix_admin_actions_booking_id")
        batch.drop_constraint("fk_admin_actions_booking_id", type_="foreignkey")
        batch.drop_column("detail")
        batch.drop_column("booking_id")
