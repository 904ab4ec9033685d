"""photo store: profile photos may be kept in the database (PHOTO_STORE=db); a profile names its photo by the name
it is served under (/photos/<name>), no longer by its path under the upload folder

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLDER = "photos/"  # where the disk store keeps them, which old profile values began with


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute(
        f"UPDATE instructor_profiles SET photo = substr(photo, {len(FOLDER) + 1}) WHERE photo LIKE '{FOLDER}%'"
    )


def downgrade() -> None:
    op.execute(f"UPDATE instructor_profiles SET photo = '{FOLDER}' || photo WHERE photo <> ''")
    op.drop_table("photos")
