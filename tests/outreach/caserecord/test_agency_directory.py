"""Agency requests name an agency of the municipality's directory (its kind counts the request
in the report), or a one-off agency by name (counted as `other`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from outreach.caserecord import services
from outreach.models import Agency, AgencyRequest, AuditEvent, Municipality
from tests.factories import make_origin

pytestmark = pytest.mark.django_db


def test_a_request_to_a_directory_agency_takes_its_name_and_kind(post_event, team_client, days_ago):
    labour = Agency.objects.create(
        municipality=team_client.team.municipality, name="Labour office", kind="employment"
    )
    response = post_event(
        "agencyrequest-create",
        {"listed_agency": labour.pk, "request": "registration", "sent_on": days_ago(3)},
    )
    assert response.status_code == 302
    req = AgencyRequest.objects.get()
    assert (req.agency, req.listed_agency) == ("Labour office", labour)
    assert AuditEvent.objects.filter(action="agencyrequest.create", client=team_client).exists()


def test_a_one_off_agency_by_name_has_no_kind_and_a_directory_name_is_linked(
    post_event, team_client, days_ago
):
    shelter = Agency.objects.create(
        municipality=team_client.team.municipality, name="Municipal shelter", kind="housing"
    )
    post_event(
        "agencyrequest-create", {"agency": "A neighbour", "request": "x", "sent_on": days_ago(2)}
    )
    post_event(
        "agencyrequest-create",
        {"agency": "Municipal shelter", "request": "y", "sent_on": days_ago(2)},
    )
    listed = dict(AgencyRequest.objects.values_list("agency", "listed_agency"))
    assert listed == {"A neighbour": None, "Municipal shelter": shelter.pk}


def test_the_form_offers_only_active_agencies_of_the_clients_municipality(
    client, worker, team_client
):
    from django.urls import reverse

    mine = Agency.objects.create(
        municipality=team_client.team.municipality, name="Ours", kind="health"
    )
    Agency.objects.create(
        municipality=team_client.team.municipality, name="Closed", kind="health", active=False
    )
    elsewhere = Municipality.objects.create(name="Elsewhere", slug="elsewhere")
    Agency.objects.create(municipality=elsewhere, name="Theirs", kind="health")
    client.force_login(worker)
    page = client.get(
        reverse("outreach:agencyrequest-create", args=[team_client.pk])
    ).content.decode()
    assert f'value="{mine.pk}"' in page and "Ours" in page
    assert "Theirs" not in page and "Closed" not in page


def test_an_agency_of_another_municipality_is_refused_by_the_service(team_client, worker):
    elsewhere = Municipality.objects.create(name="Elsewhere", slug="elsewhere")
    theirs = Agency.objects.create(municipality=elsewhere, name="Theirs", kind="health")
    from datetime import date

    with pytest.raises(ValidationError) as excinfo:
        services.agency_request_save(
            client=team_client,
            actor=worker,
            agency_request=AgencyRequest(
                listed_agency=theirs, request="x", sent_on=date(2026, 1, 5)
            ),
            origin=make_origin(),
        )
    assert "listed_agency" in excinfo.value.message_dict
    assert not AgencyRequest.objects.exists()
