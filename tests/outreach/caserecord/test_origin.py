"""A case-record entry saved on its page is audited with where the request came from."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Milestone

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def test_a_milestone_saved_on_the_page_is_audited_with_address_browser_and_path(
    client, worker, team_client
):
    client.force_login(worker)
    url = reverse("outreach:milestone-create", args=[team_client.pk])
    response = client.post(
        url,
        {"kind": "id_document", "achieved_on": timezone.localdate().isoformat()},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(client=team_client)
    event = AuditEvent.objects.get(action="milestone.create")
    assert (event.actor, event.object_id) == (worker, str(milestone.pk))
    assert (event.ip_address, event.user_agent, event.path) == ("198.51.100.8", BROWSER, url)
