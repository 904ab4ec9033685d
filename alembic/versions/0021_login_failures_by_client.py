"""login failures counted per client address too

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=45), server_default='', nullable=False))
        batch_op.create_index('ix_login_failures_client_at', ['client', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_client_at')
        batch_op.drop_column('client')
