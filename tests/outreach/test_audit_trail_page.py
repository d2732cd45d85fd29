"""The record's audit trail: linked and shown to the team's supervisors only."""

from __future__ import annotations

from outreach.models import AuditEvent


def test_only_supervisors_see_the_audit_trail_link(client, worker, peer, supervisor, team_client):
    url = f"/clients/{team_client.pk}/"
    for user in (worker, peer, supervisor):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert (f"/clients/{team_client.pk}/audit/" in page) is (user == supervisor), user


def test_a_workers_refused_request_is_not_audited_as_a_view_of_the_trail(
    client, worker, supervisor, team_client
):
    client.force_login(worker)
    assert client.get(f"/clients/{team_client.pk}/audit/").status_code == 404
    assert not AuditEvent.objects.filter(action="client.audit_view").exists()
    client.force_login(supervisor)
    assert client.get(f"/clients/{team_client.pk}/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="client.audit_view", client=team_client).count() == 1
