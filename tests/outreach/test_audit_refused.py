"""The audit trail tells the truth (issue 15, item 6): a refused request leaves no row; opening
a form is a read, and only a successful save records a change."""

from __future__ import annotations

from outreach.models import AuditEvent
from tests.factories import ContactFactory


def _rows() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_a_contact_of_another_author_is_refused_without_an_audit_row(
    client, worker, peer, team_client
):
    contact = ContactFactory(client=team_client, author=worker)
    client.force_login(peer)
    response = client.get(f"/clients/{team_client.pk}/contacts/{contact.pk}/edit/")
    assert response.status_code == 403
    assert _rows() == []


def test_an_unknown_contact_is_refused_without_an_audit_row(client, worker, team_client):
    client.force_login(worker)
    assert client.get(f"/clients/{team_client.pk}/contacts/999999/edit/").status_code == 404
    assert _rows() == []


def test_an_unknown_support_person_is_refused_without_an_audit_row(client, worker, team_client):
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/support/999999/edit/"
    assert client.get(url).status_code == 404
    assert _rows() == []


def test_opening_a_contact_form_is_a_read_and_only_the_save_is_a_change(
    client, worker, team_client
):
    contact = ContactFactory(client=team_client, author=worker)
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/contacts/{contact.pk}/edit/"
    assert client.get(url).status_code == 200
    assert _rows() == ["contact.view"]
    assert not AuditEvent.objects.filter(action__endswith=".update").exists()
