"""The audit log: rows written with an admin action, read back newest first and filtered, by admins only."""

from datetime import UTC, datetime, timedelta

import pytest

from instainstru.db import transaction
from instainstru.services.admin import audit
from instainstru.services.errors import FormError, NotAuthenticated, PermissionDenied
from tests.factories import make_admin, make_user

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)


def test_rows_come_back_newest_first_filtered_and_paged(db_url):
    ada = make_admin()
    sam = make_user()
    tia = make_user("instructor", "tia@example.com", "Tia Teacher")
    with transaction() as session:
        for minutes, (action, target) in enumerate([("suspend", sam), ("refund", tia), ("reactivate", sam)]):
            audit.record(
                session,
                ada,
                action,
                reason=f"reason {minutes}",
                at=NOW + timedelta(minutes=minutes),
                target_user_id=target.user_id,
                detail="x" * 300,
            )
    rows = audit.list_actions(ada)
    assert [r.action for r in rows] == ["reactivate", "refund", "suspend"]
    assert rows[0].admin_name == "Ada Admin" and rows[0].target_user_id == sam.user_id
    assert len(rows[0].detail) == audit.DETAIL_MAX
    assert [r.action for r in audit.list_actions(ada, target_user_id=sam.user_id)] == ["reactivate", "suspend"]
    assert [r.action for r in audit.list_actions(ada, action="refund")] == ["refund"]
    assert [r.action for r in audit.list_actions(ada, limit=1, before_id=rows[0].id)] == ["refund"]


def test_only_admins_read_it_and_a_reason_is_required(db_url):
    make_admin()
    for who in (make_user(), make_user("instructor", "tia@example.com", "Tia Teacher")):
        with pytest.raises(PermissionDenied):
            audit.list_actions(who)
    with pytest.raises(NotAuthenticated):
        audit.list_actions(None)
    for bad in ("  ", "x" * (audit.REASON_MAX + 1)):
        with pytest.raises(FormError) as refused:
            audit.clean_reason(bad)
        assert "reason" in refused.value.errors
    assert audit.clean_reason("  lost   phone ") == "lost phone"
