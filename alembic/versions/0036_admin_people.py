"""admin console, people: suspended accounts, instructor approval, hidden reviews, conversation reports dealt with

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("suspended_at", instainstru.models.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("instructor_profiles") as batch:
        batch.add_column(sa.Column("approved_at", instainstru.models.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("changes_asked", sa.String(length=1000), nullable=False, server_default=""))
    # Instructors from before approval count as approved (since they joined).
    op.execute(
        "UPDATE instructor_profiles SET approved_at = "
        "(SELECT created_at FROM users WHERE users.id = instructor_profiles.user_id)"
    )
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("hidden_at", instainstru.models.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("hidden_reason", sa.String(length=500), nullable=False, server_default=""))
    with op.batch_alter_table("conversation_reports") as batch:
        batch.add_column(sa.Column("resolved_at", instainstru.models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_reports") as batch:
        batch.drop_column("resolved_at")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("hidden_reason")
        batch.drop_column("hidden_at")
    with op.batch_alter_table("instructor_profiles") as batch:
        batch.drop_column("changes_asked")
        batch.drop_column("approved_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("suspended_at")
