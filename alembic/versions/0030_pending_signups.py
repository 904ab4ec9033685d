"""pending sign-ups (the account is made when the mailed link is used) and the sign-up requests counted to throttle

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 14:00:00.000000

services/accounts/signup_links.py: sign-up answers every address alike; a new one gets a link that creates the
account, an existing one's owner is told someone tried.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types


revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pending_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('referral_code', sa.String(length=16), server_default='', nullable=False),
    sa.Column('client', sa.String(length=45), server_default='', nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', instainstru.models.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', instainstru.models.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', instainstru.models.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.create_index('ix_pending_signups_email', ['email'], unique=False)
    op.create_table('signup_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('client', sa.String(length=45), server_default='', nullable=False),
    sa.Column('pending_id', sa.Integer(), nullable=True),
    sa.Column('at', instainstru.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pending_id'], ['pending_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.create_index('ix_signup_requests_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_signup_requests_client_at', ['client', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_signup_requests_client_at')
        batch_op.drop_index('ix_signup_requests_email_at')
    op.drop_table('signup_requests')
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_signups_email')
    op.drop_table('pending_signups')
