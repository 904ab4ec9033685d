"""a listed neighbourhood covers its nearest ZIP code however far it is: that ZIP code's cell in the search index

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-02 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0042'
down_revision: str | None = '0041'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Data only: profiles saved from now on are indexed by `area_index.reindex`; this adds the cell of each listed
    # neighbourhood's nearest ZIP code for the areas already saved (the rows they have are kept).
    import json

    from instainstru.services.discovery import area_index, geo

    bind = op.get_bind()
    areas = bind.execute(sa.text("SELECT user_id, area_neighbourhoods FROM instructor_profiles")).all()
    for user_id, listed in areas:
        names = json.loads(listed) if isinstance(listed, str) else listed or []
        wanted = {
            area_index.cell_of(*geo.nearest_zip(place).point)
            for place in geo.listed_neighbourhoods(geo.ServiceArea(frozenset(names)))
        }
        if not wanted:
            continue
        known = {row[0] for row in bind.execute(
            sa.text("SELECT cell FROM area_cells WHERE instructor_id = :id"), {"id": user_id}
        )}
        cells = [{"cell": c, "id": user_id} for c in sorted(wanted - known)]
        if cells:
            bind.execute(sa.text("INSERT INTO area_cells (cell, instructor_id) VALUES (:cell, :id)"), cells)


def downgrade() -> None:
    # The extra rows are harmless to an older search (it checks coverage exactly); a profile save rebuilds them.
    pass
