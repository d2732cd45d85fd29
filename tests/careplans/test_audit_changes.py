"""Plan updates store old and new values, free text hashed (issue 15, item 6d)."""

from __future__ import annotations

import hashlib
import json

from careplans import services
from outreach.models import AuditEvent
from tests.factories import make_origin


def test_a_plan_edit_stores_old_and_new_values_free_text_hashed(plan, worker):
    old = plan.what_matters
    services.careplan_update(
        careplan=plan,
        author=worker,
        expected_version=plan.version,
        origin=make_origin(),
        what_matters="A quiet room and my cat.",
    )
    changes = AuditEvent.objects.get(action="careplan.update").detail["changes"]
    assert changes["what_matters"] == {
        "old": {"sha256": hashlib.sha256(old.encode()).hexdigest(), "length": len(old)},
        "new": {"sha256": hashlib.sha256(b"A quiet room and my cat.").hexdigest(), "length": 24},
    }
    assert changes["version"] == {"old": 1, "new": 2}
    assert "cat" not in json.dumps(changes)


def test_a_goal_change_stores_old_and_new_values(plan, worker):
    goal = services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=plan.version,
        domain="housing",
        in_their_words="A room",
        origin=make_origin(),
    )
    plan.refresh_from_db()
    services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=plan.version,
        goal=goal,
        domain="housing",
        in_their_words="A room",
        status="achieved",
        origin=make_origin(),
    )
    changes = AuditEvent.objects.get(action="goal.update").detail["changes"]
    assert changes == {"status": {"old": "open", "new": "achieved"}}
