"""Objects of the team for the URL parameters of the case-record API (see test_access_matrix)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CaseAgencyFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
    MilestoneFactory,
    RelapseFactory,
)


@pytest.fixture
def route_param_hospitalstay_detail__pk(team_client):
    return HospitalStayFactory(client=team_client).pk


@pytest.fixture
def _api_measure(team_client, worker, origin):
    from outreach.caserecord.services import coercive_measure_record

    measure = CoerciveMeasureFactory.build(client=team_client)
    return coercive_measure_record(client=team_client, actor=worker, measure=measure, origin=origin)


@pytest.fixture
def route_param_coercivemeasure_detail__pk(_api_measure):
    return _api_measure.pk


@pytest.fixture
def route_param_coercivemeasure_debrief__pk(_api_measure):
    return _api_measure.pk


@pytest.fixture
def route_param_crisis_detail__pk(team_client):
    return CrisisFactory(client=team_client).pk


@pytest.fixture
def route_param_relapse_detail__pk(team_client):
    return RelapseFactory(client=team_client).pk


@pytest.fixture
def route_param_adverseevent_detail__pk(team_client):
    from outreach.models import AdverseEvent

    return AdverseEvent.objects.create(
        client=team_client, kind=AdverseEvent.Kind.POLICE, occurred_on=timezone.localdate()
    ).pk


@pytest.fixture
def route_param_milestone_detail__pk(team_client):
    return MilestoneFactory(client=team_client).pk


@pytest.fixture
def route_param_caseagency_detail__pk(team_client):
    return CaseAgencyFactory(client=team_client).pk


@pytest.fixture
def route_param_responsibility_detail__pk(team_client):
    from outreach.models import Responsibility

    return Responsibility.objects.create(
        client=team_client, domain="housing", party="client", task="find a flat"
    ).pk


@pytest.fixture
def _api_agency_request(team_client):
    return AgencyRequestFactory(client=team_client)


@pytest.fixture
def route_param_agencyrequest_detail__pk(_api_agency_request):
    return _api_agency_request.pk


@pytest.fixture
def route_param_agencyrequest_respond__pk(_api_agency_request):
    return _api_agency_request.pk


@pytest.fixture
def _api_followup(team_client):
    from outreach.models import CaseConference, FollowUpAction

    conference = CaseConference.objects.create(
        client=team_client, held_on=timezone.localdate(), decisions="meet monthly"
    )
    return FollowUpAction.objects.create(conference=conference, action="call", owner="worker")


@pytest.fixture
def route_param_caseconference_detail__pk(_api_followup):
    return _api_followup.conference_id


@pytest.fixture
def route_param_followupaction_detail__pk(_api_followup):
    return _api_followup.pk


@pytest.fixture
def route_param_followupaction_done__pk(_api_followup):
    return _api_followup.pk


@pytest.fixture
def route_param_groupsession_detail__pk(team_client, worker, origin):
    from outreach.caserecord.services import group_session_record

    return group_session_record(
        team=team_client.team,
        actor=worker,
        title="walking group",
        started_at=timezone.now() - timezone.timedelta(days=1),
        duration_minutes=60,
        location="other",
        attendees=[team_client],
        staff=[worker],
        origin=origin,
    ).pk


@pytest.fixture
def route_param_discharge_detail__pk(team_client, worker):
    from outreach.models import Discharge

    return Discharge.objects.create(episode=team_client.episodes.first(), recorded_by=worker).pk
