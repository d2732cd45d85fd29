"""Agencies, the responsibility matrix, agency requests and case conferences."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.caserecord import selectors as event_selectors
from outreach.caserecord import services as event_services
from outreach.models import (
    AgencyRequest,
    AuditEvent,
    CaseAgency,
    CaseConference,
    FollowUpAction,
    Responsibility,
    SupportPerson,
)
from tests.factories import SupportPersonFactory
from tests.outreach.caserecord.factories import AgencyRequestFactory, CaseAgencyFactory


def test_agency_and_responsibility_matrix(post_event, team_client, events_page):
    assert (
        post_event(
            "caseagency-create",
            {"name": "Municipal housing office", "contact_person": "Ms Petrova"},
        ).status_code
        == 302
    )
    agency = CaseAgency.objects.get(client=team_client)
    assert (
        post_event(
            "responsibility-create",
            {
                "domain": "housing",
                "party": "agency",
                "agency": agency.pk,
                "task": "social housing application",
            },
        ).status_code
        == 302
    )
    assert (
        post_event(
            "responsibility-create",
            {"domain": "documents", "party": "team", "task": "accompany to registry"},
        ).status_code
        == 302
    )
    body = events_page()
    matrix = body.split("Agencies and responsibilities")[1]
    assert "Municipal housing office" in matrix and "social housing application" in matrix
    assert "accompany to registry" in matrix


def test_responsibility_invalid_cases(post_event, team_client):
    response = post_event(
        "responsibility-create", {"domain": "housing", "party": "agency", "task": "x"}
    )
    assert response.status_code == 400
    assert "Choose the agency that is responsible." in response.content.decode()
    duplicate = post_event("caseagency-create", {"name": "A"})
    assert duplicate.status_code == 302
    assert post_event("caseagency-create", {"name": "a"}).status_code == 400
    assert not Responsibility.objects.exists() and CaseAgency.objects.count() == 1


def test_agency_request_and_response(post_event, team_client, days_ago, worker):
    agency = CaseAgencyFactory(client=team_client, name="Labour office")
    response = post_event(
        "agencyrequest-create",
        {
            "case_agency": agency.pk,
            "request": "registration as unemployed",
            "sent_on": days_ago(12),
        },
    )
    assert response.status_code == 302
    req = AgencyRequest.objects.get()
    assert req.agency == "Labour office" and req.case_agency == agency
    bad = post_event(
        "agencyrequest-respond", {"responded_on": days_ago(13), "outcome": "x"}, req.pk
    )
    assert bad.status_code == 400
    assert "A response cannot come before the request was sent." in bad.content.decode()
    req.refresh_from_db()
    assert req.responded_on is None
    ok = post_event(
        "agencyrequest-respond", {"responded_on": days_ago(2), "outcome": "registered"}, req.pk
    )
    assert ok.status_code == 302
    req.refresh_from_db()
    assert req.responded_on.isoformat() == days_ago(2) and req.outcome == "registered"
    assert AuditEvent.objects.filter(action="agencyrequest.update", client=team_client).exists()


def test_agency_request_invalid_cases(post_event, days_ago):
    assert (
        post_event("agencyrequest-create", {"request": "x", "sent_on": days_ago(2)}).status_code
        == 400
    )
    future = post_event(
        "agencyrequest-create", {"agency": "GP", "request": "x", "sent_on": days_ago(-1)}
    )
    assert future.status_code == 400
    early = post_event(
        "agencyrequest-create",
        {"agency": "GP", "request": "x", "sent_on": days_ago(5), "responded_on": days_ago(6)},
    )
    assert early.status_code == 400
    assert not AgencyRequest.objects.exists()


def test_open_requests_older_than_30_days_are_flagged(team_client, worker, today, events_page):
    from datetime import timedelta

    old = AgencyRequestFactory(
        client=team_client, agency="Old office", sent_on=today - timedelta(days=30)
    )
    AgencyRequestFactory(
        client=team_client, agency="Recent office", sent_on=today - timedelta(days=29)
    )
    AgencyRequestFactory(
        client=team_client,
        agency="Answered office",
        sent_on=today - timedelta(days=60),
        responded_on=today - timedelta(days=1),
    )
    assert list(event_selectors.agency_requests_open(user=worker)) == [old]
    body = events_page()
    flagged = body.split("Open and overdue")[1].split("<h3>")[0]
    assert "Old office" in flagged
    assert "Recent office" not in flagged and "Answered office" not in flagged


def test_case_conference_with_participants_and_actions(
    post_event, team_client, days_ago, worker, peer
):
    sister = SupportPersonFactory(client=team_client, name="Elena Ivanova")
    agency = CaseAgencyFactory(client=team_client, name="Social Assistance Directorate")
    response = post_event(
        "caseconference-create",
        {
            "held_on": days_ago(1),
            "client_present": "on",
            "staff": [worker.pk, peer.pk],
            "support_people": [sister.pk],
            "agencies": [agency.pk],
            "decisions": "Apply for disability benefit; sister joins the next visit.",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-action": "Fill in the benefit form",
            "actions-0-owner": "The client",
            "actions-0-due_on": days_ago(-7),
            "actions-1-action": "Book the medical commission",
            "actions-1-owner": worker.get_full_name(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    conf = CaseConference.objects.get(client=team_client)
    assert conf.client_present
    assert set(conf.staff.all()) == {worker, peer}
    assert list(conf.support_people.all()) == [sister]
    assert [a.owner for a in conf.actions.all()] == ["The client", worker.get_full_name()]
    assert AuditEvent.objects.filter(action="caseconference.create", client=team_client).exists()


def test_do_not_contact_person_is_refused_as_participant(
    client, post_event, team_client, days_ago, worker, origin
):
    ex = SupportPersonFactory(
        client=team_client,
        name="Former Partner",
        involvement=SupportPerson.Involvement.DO_NOT_CONTACT,
    )
    form = client.get(
        reverse("outreach:caseconference-create", args=[team_client.pk])
    ).content.decode()
    assert "Former Partner" not in form.split('id="owners"')[0]
    assert "Former Partner" not in form  # not offered, not even as an action owner
    response = post_event(
        "caseconference-create",
        {
            "held_on": days_ago(1),
            "support_people": [ex.pk],
            "decisions": "x",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert not CaseConference.objects.exists()
    # The service refuses too, whatever the form offered.
    with pytest.raises(ValidationError) as exc:
        event_services.case_conference_record(
            client=team_client,
            actor=worker,
            conference=CaseConference(held_on=timezone.localdate(), decisions="x"),
            support_people=[ex],
            origin=origin,
        )
    assert "do-not-contact" in str(exc.value)
    assert not CaseConference.objects.exists()


def test_conference_invalid_cases_save_nothing(post_event, days_ago):
    base = {
        "held_on": days_ago(1),
        "decisions": "x",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
    }
    no_owner = post_event("caseconference-create", {**base, "actions-0-action": "call the GP"})
    assert no_owner.status_code == 400
    assert "Every action needs an owner." in no_owner.content.decode()
    early = post_event(
        "caseconference-create",
        {**base, "actions-0-action": "a", "actions-0-owner": "b", "actions-0-due_on": days_ago(3)},
    )
    assert early.status_code == 400
    assert "cannot be due before the conference" in early.content.decode()
    future = post_event("caseconference-create", {**base, "held_on": days_ago(-1)})
    assert future.status_code == 400
    assert not CaseConference.objects.exists() and not FollowUpAction.objects.exists()
