"""who closed a booking (student, instructor, admin); messages hidden by an admin

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("closed_by", sa.String(length=16), nullable=False, server_default=""))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("hidden_at", instainstru.models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("hidden_at")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("closed_by")
