"""jobs timer: one row saying when the time-based jobs last ran, for the health check of every worker

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-01 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from instainstru.models.types import UTCDateTime

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs_timer",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_run_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("jobs_timer")
