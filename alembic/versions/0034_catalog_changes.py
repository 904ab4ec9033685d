"""catalog changes: a row for each transaction that writes to what visitors see, so cached views know their version

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-01 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from instainstru.models.types import UTCDateTime


revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'catalog_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('catalog_changes')
