"""one saved card per card number: merge the copies checkout used to save again

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 00:40:00

Until now paying with "A new card" saved the card again every time. Of each student's cards with the same
fingerprint, the default one (else the one expiring last, else the oldest) is kept; the copies are forgotten here
(they stay at Stripe, never listed or charged). services/money/cards.py keeps one card per number from now on.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        DELETE FROM payment_cards WHERE fingerprint != '' AND id NOT IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id, fingerprint
                                              ORDER BY is_default DESC, exp_year DESC, exp_month DESC, id) AS n
                FROM payment_cards WHERE fingerprint != ''
            ) AS ranked WHERE n = 1
        )
    """)


def downgrade() -> None:
    """The copies are not brought back: they were the same card."""
