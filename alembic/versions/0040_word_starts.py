"""search by typed words: the first letters of the words of each instructor's name, headline and bio, indexed

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-01 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0040'
down_revision: str | None = '0039'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'word_starts',
        sa.Column('start', sa.String(length=3), nullable=False),
        sa.Column('instructor_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['instructor_id'], ['instructor_profiles.user_id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('start', 'instructor_id'),
    )
    with op.batch_alter_table('word_starts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_word_starts_instructor_id'), ['instructor_id'], unique=False)
    # The profiles saved so far; from now on `word_index.reindex` keeps them.
    from instainstru.services.discovery import word_index

    bind = op.get_bind()
    profiles = bind.execute(sa.text(
        "SELECT p.user_id, u.name, p.headline, p.bio FROM instructor_profiles p JOIN users u ON u.id = p.user_id"
    )).all()
    rows = [
        {"start": start, "id": user_id}
        for user_id, name, headline, bio in profiles
        for start in sorted(word_index.starts_in(name, headline, bio))
    ]
    for chunk in range(0, len(rows), 5000):
        bind.execute(sa.text("INSERT INTO word_starts (start, instructor_id) VALUES (:start, :id)"), rows[chunk:chunk + 5000])


def downgrade() -> None:
    with op.batch_alter_table('word_starts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_word_starts_instructor_id'))
    op.drop_table('word_starts')
