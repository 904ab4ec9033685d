"""welcome credit guards: the card that spent an account's welcome credit (one account per card), a payment's card
check, withheld credit grants, and the client address of referral sign-ups (velocity limits)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import instainstru.models.types

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'welcome_cards',
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', instainstru.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('fingerprint'),
    )
    with op.batch_alter_table('welcome_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welcome_cards_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withheld', sa.String(length=200), server_default='', nullable=False))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_check', sa.String(length=8), server_default='', nullable=False))
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=45), server_default='', nullable=False))
        batch_op.create_index('ix_referrals_client_created', ['client', 'created_at'], unique=False)
        batch_op.create_index('ix_referrals_referrer_created', ['referrer_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_referrer_created')
        batch_op.drop_index('ix_referrals_client_created')
        batch_op.drop_column('client')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('card_check')
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.drop_column('withheld')
    with op.batch_alter_table('welcome_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_welcome_cards_user_id'))
    op.drop_table('welcome_cards')
