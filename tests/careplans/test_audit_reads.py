"""Care-plan pages: a refused request leaves no audit row; opening a form is a read (issue 15)."""

from __future__ import annotations

from outreach.models import AuditEvent, Role
from tests.factories import UserFactory


def test_a_reader_who_may_not_edit_the_plan_is_refused_without_an_audit_row(client, team, plan):
    other_worker = UserFactory(role=Role.PROFESSIONAL, teams=[team])
    before = AuditEvent.objects.count()
    client.force_login(other_worker)
    assert client.get(f"/careplans/plans/{plan.pk}/edit/").status_code == 403
    assert client.get(f"/careplans/plans/{plan.pk}/goals/new/").status_code == 403
    assert AuditEvent.objects.count() == before


def test_an_unknown_goal_is_refused_without_an_audit_row(client, worker, plan):
    before = AuditEvent.objects.count()
    client.force_login(worker)
    assert client.get(f"/careplans/plans/{plan.pk}/goals/999999/edit/").status_code == 404
    assert client.get(f"/careplans/plans/{plan.pk}/goals/999999/actions/new/").status_code == 404
    assert client.get(f"/careplans/plans/{plan.pk}/history/?a=77&b=78").status_code == 404
    assert AuditEvent.objects.count() == before


def test_opening_a_plan_form_is_a_read_not_an_edit(client, worker, plan):
    before = AuditEvent.objects.count()
    client.force_login(worker)
    assert client.get(f"/careplans/plans/{plan.pk}/edit/").status_code == 200
    assert client.get(f"/careplans/plans/{plan.pk}/goals/new/").status_code == 200
    new = list(AuditEvent.objects.order_by("id")[before:].values_list("action", "detail"))
    assert [a for a, _d in new] == ["careplan.form_view", "careplan.form_view"]
    assert [d["form"] for _a, d in new] == ["careplan", "goal"]
    assert not AuditEvent.objects.filter(action__endswith=".edit").exists()
