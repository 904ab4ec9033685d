"""login sessions remember when they were last seen, their device and what to say once; one-time sign-in tickets

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('last_seen_at', instainstru.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column('device', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notices', sa.Text(), nullable=False, server_default=''))
    op.execute("UPDATE auth_sessions SET last_seen_at = created_at")
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=instainstru.models.types.UTCDateTime(), nullable=False)
    op.create_table(
        'sign_in_tickets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', instainstru.models.types.UTCDateTime(), nullable=False),
        sa.Column('target', sa.Text(), nullable=False),
        sa.Column('notices', sa.Text(), nullable=False),
        sa.Column('remember_device', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('sign_in_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_tickets_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_tickets_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_table('sign_in_tickets')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('notices')
        batch_op.drop_column('device')
        batch_op.drop_column('last_seen_at')
