"""Every event form renders for the team, on the phone-friendly layout, and the partial loads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.caserecord import services as event_services
from outreach.models import AuditEvent
from tests import db_state
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
)

CREATE_ROUTES = [
    "hospitalstay-create",
    "coercivemeasure-create",
    "crisis-create",
    "relapse-create",
    "adverseevent-create",
    "milestone-create",
    "caseagency-create",
    "responsibility-create",
    "agencyrequest-create",
    "caseconference-create",
    "groupsession-create",
]


@pytest.mark.parametrize("name", CREATE_ROUTES)
def test_each_form_renders_with_labels(client, worker, team_client, name):
    client.force_login(worker)
    with db_state.unchanged(db_state.writes):  # a GET writes nothing but the audit log
        response = client.get(reverse(f"outreach:{name}", args=[team_client.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<form" in body and "<label" in body
    assert "Maria Ivanova" in body


def test_object_forms_render(client, worker, team_client, origin):
    stay = HospitalStayFactory(client=team_client)
    crisis = CrisisFactory(client=team_client)
    req = AgencyRequestFactory(client=team_client)
    measure = event_services.coercive_measure_record(
        client=team_client,
        actor=worker,
        measure=CoerciveMeasureFactory.build(client=team_client),
        origin=origin,
    )
    episode = team_client.episodes.get()
    client.force_login(worker)
    pages = [
        reverse("outreach:hospitalstay-update", args=[team_client.pk, stay.pk]),
        reverse("outreach:crisis-update", args=[team_client.pk, crisis.pk]),
        reverse("outreach:agencyrequest-respond", args=[team_client.pk, req.pk]),
        reverse("outreach:debrief-update", args=[team_client.pk, measure.pk]),
        reverse("outreach:episode-discharge", args=[team_client.pk, episode.pk]),
        reverse("outreach:client-events", args=[team_client.pk]),
    ]
    for url in pages:
        audits = AuditEvent.objects.count()
        with db_state.unchanged(db_state.writes):  # a GET writes nothing but the audit log
            response = client.get(url)
        assert response.status_code == 200, url
        assert "Maria Ivanova" in response.content.decode(), url
        # The read is audited, naming the client.
        reads = AuditEvent.objects.order_by("pk")[audits:]
        assert reads and all(r.client_id == team_client.pk for r in reads), url


def test_client_page_shows_events_on_the_one_timeline(client, worker, team_client):
    from datetime import timedelta

    from django.utils import timezone

    from outreach.models import Crisis, Relapse
    from tests.factories import ContactFactory

    now = timezone.now()
    ContactFactory(client=team_client, note="newest contact", started_at=now - timedelta(days=1))
    Crisis.objects.create(
        client=team_client, reported_at=now - timedelta(days=3), outcome="stayed at home"
    )
    ContactFactory(client=team_client, note="older contact", started_at=now - timedelta(days=5))
    Relapse.objects.create(
        client=team_client, onset_on=timezone.localdate() - timedelta(days=8), signs="not sleeping"
    )
    client.force_login(worker)
    body = client.get(team_client.get_absolute_url()).content.decode()
    timeline = body[body.index('id="timeline-h"') :]
    order = [
        timeline.index(t)
        for t in ("newest contact", "stayed at home", "older contact", "not sleeping")
    ]
    assert order == sorted(order)
    # Recording an event starts from the client page.
    assert reverse("outreach:crisis-create", args=[team_client.pk]) in body


@pytest.mark.parametrize("name", CREATE_ROUTES)
def test_other_team_gets_404(client, outsider, team_client, name):
    client.force_login(outsider)
    url = reverse(f"outreach:{name}", args=[team_client.pk])
    with db_state.unchanged(db_state.writes):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
