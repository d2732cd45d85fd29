"""Objects of the team for the URL parameters of the core routes (see test_access_matrix)."""

from __future__ import annotations

import pytest

from tests.factories import ContactFactory, SupportPersonFactory, make_origin


@pytest.fixture
def route_param_pk(team_client):
    return team_client.pk


@pytest.fixture
def route_param_client_pk(team_client):
    return team_client.pk


@pytest.fixture
def route_param_contact_pk(team_client, worker):
    return ContactFactory(client=team_client, author=worker).pk


@pytest.fixture
def route_param_supportperson_pk(team_client):
    return SupportPersonFactory(client=team_client).pk


@pytest.fixture
def route_param_outreach_contact_update__pk(route_param_contact_pk):
    return route_param_contact_pk


@pytest.fixture
def route_param_outreach_supportperson_update__pk(route_param_supportperson_pk):
    return route_param_supportperson_pk


@pytest.fixture
def route_param_client__pk(route_param_client_pk):
    return route_param_client_pk


@pytest.fixture
def route_param_contact__pk(route_param_contact_pk):
    return route_param_contact_pk


@pytest.fixture
def route_param_episode__pk(team_client):
    return team_client.episodes.first().pk


@pytest.fixture
def route_param_outreach_apitoken_revoke__pk(worker):
    from outreach.accounts.services import api_token_create

    return api_token_create(owner=worker, origin=make_origin(), name="worker's script").token.pk


@pytest.fixture
def route_param_export_pk(team_client, supervisor):
    from outreach.models import ClientExport

    return ClientExport.objects.create(
        client=team_client, requested_by=supervisor, language="bg"
    ).pk


@pytest.fixture
def route_param_outreach_consent_withdraw__pk(team_client):
    from tests.factories import ConsentFactory

    return ConsentFactory(client=team_client).pk


@pytest.fixture
def route_param_visit_pk(team_client, worker):
    from django.utils import timezone

    from outreach.visits.services import visit_plan

    return visit_plan(
        client=team_client,
        actor=worker,
        planned_on=timezone.localdate(),
        planned_time=None,
        staff=[worker],
        purpose="Check in",
        origin=make_origin(),
    ).pk


@pytest.fixture
def route_param_outreach_visit_contact__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_outreach_visit_missed__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_outreach_visit_edit__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_outreach_visit_cancel__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_supportperson_detail__pk(route_param_supportperson_pk):
    return route_param_supportperson_pk


@pytest.fixture
def _api_consent(team_client):
    from tests.factories import ConsentFactory

    return ConsentFactory(client=team_client)


@pytest.fixture
def route_param_consent_detail__pk(_api_consent):
    return _api_consent.pk


@pytest.fixture
def route_param_consent_withdraw__pk(_api_consent):
    return _api_consent.pk


@pytest.fixture
def route_param_plannedvisit_detail__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_plannedvisit_contact__pk(route_param_visit_pk):
    return route_param_visit_pk


@pytest.fixture
def route_param_plannedvisit_missed__pk(route_param_visit_pk):
    return route_param_visit_pk
