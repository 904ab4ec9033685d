"""a catalogue change names the one instructor whose schedule rows it wrote, if that is all it wrote

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-03 05:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0043'
down_revision: str | None = '0042'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before stay None: anything may have changed with them.
    with op.batch_alter_table("catalog_changes") as batch:
        batch.add_column(sa.Column("instructor_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalog_changes") as batch:
        batch.drop_column("instructor_id")
