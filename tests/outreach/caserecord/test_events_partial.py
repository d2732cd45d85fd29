"""The client's events partial: newest first, audited, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.caserecord import services as event_services
from outreach.models import (
    AdverseEvent,
    AuditEvent,
    CaseConference,
    Crisis,
    FollowUpAction,
    Responsibility,
)
from tests.factories import SupportPersonFactory, make_origin
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CaseAgencyFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
    MilestoneFactory,
    RelapseFactory,
)


def _add_events(client_obj, worker, peer, n: int) -> None:
    for _i in range(n):
        HospitalStayFactory(client=client_obj)
        HospitalStayFactory(
            client=client_obj,
            pre_intake=True,
            admitted_on=timezone.localdate() - timedelta(days=200),
        )
        event_services.coercive_measure_record(
            client=client_obj,
            actor=worker,
            measure=CoerciveMeasureFactory.build(client=client_obj),
            origin=make_origin(),
        )
        crisis = CrisisFactory(client=client_obj)
        crisis.mobilised_staff.set([worker, peer])
        RelapseFactory(client=client_obj, crisis=crisis)
        AdverseEvent.objects.create(
            client=client_obj, kind="arrest", occurred_on=timezone.localdate()
        )
        agency = CaseAgencyFactory(client=client_obj)
        Responsibility.objects.create(
            client=client_obj, domain="housing", party="agency", agency=agency, task="t"
        )
        AgencyRequestFactory(
            client=client_obj, case_agency=agency, sent_on=timezone.localdate() - timedelta(days=40)
        )
        conf = CaseConference.objects.create(
            client=client_obj, held_on=timezone.localdate(), decisions="d"
        )
        conf.staff.set([worker, peer])
        conf.support_people.set([SupportPersonFactory(client=client_obj)])
        conf.agencies.set([agency])
        FollowUpAction.objects.create(conference=conf, action="a", owner="o")
        MilestoneFactory(client=client_obj)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_in_the_number_of_events(
    client, worker, peer, team_client, django_assert_num_queries
):
    url = reverse("outreach:client-events", args=[team_client.pk])
    client.force_login(worker)
    _add_events(team_client, worker, peer, 1)
    few = _count(client, url)
    _add_events(team_client, worker, peer, 6)
    # session, user, client, audit insert; then one query per kind: stays, measures (+debriefs),
    # crises, their mobilised staff, relapses, adverse events, agency requests, conferences, their
    # staff, support people, agencies and actions, milestones, discharges, agencies,
    # responsibilities, the open episode, the discharge not followed up; then the session save
    # (savepoint, update, release).
    assert few == 25
    with django_assert_num_queries(25):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().count("Case conference") >= 7


def test_events_are_newest_first_and_the_read_is_audited(client, worker, team_client, events_page):
    CrisisFactory(
        client=team_client, reported_at=timezone.now() - timedelta(days=9), location="OLDEST"
    )
    MilestoneFactory(
        client=team_client, achieved_on=timezone.localdate() - timedelta(days=1), note="NEWEST"
    )
    HospitalStayFactory(
        client=team_client,
        admitted_on=timezone.localdate() - timedelta(days=4),
        discharged_on=None,
        hospital="MIDDLE",
    )
    body = events_page()
    assert body.index("NEWEST") < body.index("MIDDLE") < body.index("OLDEST")
    assert AuditEvent.objects.filter(
        action="client.events_view", client=team_client, actor=worker
    ).exists()


def test_without_javascript_the_events_are_a_page(client, worker, team_client):
    client.force_login(worker)
    response = client.get(reverse("outreach:client-events", args=[team_client.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body and "Maria Ivanova" in body and "Case record" in body


@pytest.mark.parametrize(
    "role", ["outsider", "outside_supervisor", "partner", "coordinator", "admin"]
)
def test_events_partial_is_404_outside_the_team(client, users_by_role, team_client, role):
    Crisis.objects.create(client=team_client, reported_at=timezone.now(), outcome="SECRET")
    client.force_login(users_by_role[role])
    response = client.get(
        reverse("outreach:client-events", args=[team_client.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 404
    assert b"SECRET" not in response.content
