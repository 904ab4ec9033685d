"""search ranking: new instructors start below proven ones (the Bayesian prior is 4.0★ from 5 reviews, was 4.5★)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-01 21:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rescore(prior: float, weight: int) -> None:
    """Every service's rank_score again: its instructor's Bayesian rating under this prior."""
    op.execute(
        "UPDATE offerings SET rank_score = (SELECT (p.rating_avg * p.rating_count + "
        f"{prior} * {weight}) / (p.rating_count + {weight}) "
        "FROM instructor_profiles p WHERE p.user_id = offerings.instructor_id)"
    )


def upgrade() -> None:
    _rescore(4.0, 5)


def downgrade() -> None:
    _rescore(4.5, 5)
