"""when the platform asked Stripe for the instructor's stored account state

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-01 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("instructor_profiles") as batch:
        batch.add_column(sa.Column("payouts_asked_at", instainstru.models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instructor_profiles") as batch:
        batch.drop_column("payouts_asked_at")
