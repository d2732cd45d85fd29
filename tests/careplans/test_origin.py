"""A care plan started on its page is audited with where the request came from."""

from __future__ import annotations

from django.urls import reverse

from careplans.models import CarePlan
from outreach.models import AuditEvent

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def test_a_plan_started_on_the_page_is_audited_with_address_browser_and_path(
    client, worker, team_client
):
    client.force_login(worker)
    url = reverse("careplans:client-plan", args=[team_client.pk])
    response = client.post(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.31")
    assert response.status_code == 302
    plan = CarePlan.objects.get(episode__client=team_client)
    event = AuditEvent.objects.get(action="careplan.create")
    assert (event.actor, event.client, event.object_id) == (worker, team_client, str(plan.pk))
    assert (event.ip_address, event.user_agent, event.path) == ("198.51.100.31", BROWSER, url)
