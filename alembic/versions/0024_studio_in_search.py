"""studios in the search index: the cells near each studio and its borough, so search finds a studio by its place

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Data only: profiles saved from now on are indexed by `area_index.reindex`; this adds what it would for the
    # studios already saved (the rows an area gives already are kept).
    from instainstru.services.discovery import area_index, geo

    bind = op.get_bind()
    studios = bind.execute(sa.text(
        "SELECT user_id, studio_address FROM instructor_profiles WHERE teaches_at_studio AND studio_address <> ''"
    )).all()
    for user_id, address in studios:
        studio = geo.zip_in(address)
        if studio is None:
            continue
        known = {row[0] for row in bind.execute(
            sa.text("SELECT cell FROM area_cells WHERE instructor_id = :id"), {"id": user_id}
        )}
        cells = [{"cell": c, "id": user_id} for c in sorted(area_index.cells_for_studio(studio) - known)]
        if cells:
            bind.execute(sa.text("INSERT INTO area_cells (cell, instructor_id) VALUES (:cell, :id)"), cells)
        served = bind.execute(
            sa.text("SELECT 1 FROM area_boroughs WHERE instructor_id = :id AND borough = :borough"),
            {"id": user_id, "borough": studio.borough},
        ).first()
        if served is None:
            bind.execute(
                sa.text("INSERT INTO area_boroughs (borough, instructor_id) VALUES (:borough, :id)"),
                {"id": user_id, "borough": studio.borough},
            )


def downgrade() -> None:
    # The extra rows are harmless to an older search (it checks coverage exactly); a profile save rebuilds them.
    pass
