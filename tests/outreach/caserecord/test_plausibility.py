"""Plausibility rules of the domain layer (issue 13, item 4), through the page and the service.

No overlapping hospital stays of one client; an involuntary stay names its legal basis; a
contact that did not meet the client says why.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach import services
from outreach.caserecord import services as event_services
from outreach.dates import stays_overlap
from outreach.models import Contact, HospitalStay, LegalBasis
from tests.outreach.caserecord.factories import HospitalStayFactory

OVERLAP = "stay admitted on"


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((20, 10), (15, 5), True),  # b starts inside a
        ((20, 10), (10, 5), False),  # a transfer: discharged and admitted the same day
        ((20, 10), (25, 20), False),  # b ends the day a starts
        ((20, None), (5, 2), True),  # a is still running
        ((20, 10), (30, None), True),  # b is still running
        ((20, 10), (19, 11), True),  # b inside a
        ((9, 5), (20, 10), False),
    ],
)
def test_the_rule(a, b, overlap):
    days = [None if n is None else _day(n) for n in (*a, *b)]
    assert stays_overlap(*days) is overlap
    assert stays_overlap(days[2], days[3], days[0], days[1]) is overlap


def test_an_overlapping_stay_is_refused_by_the_service(team_client, worker, origin):
    first = HospitalStayFactory(client=team_client, admitted_on=_day(20), discharged_on=_day(10))
    with pytest.raises(ValidationError) as exc:
        event_services.hospital_stay_save(
            client=team_client,
            actor=worker,
            stay=HospitalStay(admitted_on=_day(12), legal_status="voluntary"),
            origin=origin,
        )
    assert exc.value.error_dict["admitted_on"][0].code == "stays_overlap"
    assert list(HospitalStay.objects.all()) == [first]
    # A transfer (discharged and admitted the same day) is two stays that do not overlap.
    transfer = event_services.hospital_stay_save(
        client=team_client,
        actor=worker,
        stay=HospitalStay(admitted_on=_day(10), discharged_on=_day(4), legal_status="voluntary"),
        origin=origin,
    )
    # Changing a stay is compared with the others, not with itself.
    transfer.discharged_on = _day(2)
    event_services.hospital_stay_save(
        client=team_client, actor=worker, stay=transfer, origin=origin
    )
    assert HospitalStay.objects.count() == 2


def test_an_overlapping_stay_is_refused_on_the_page(post_event, team_client):
    HospitalStayFactory(client=team_client, admitted_on=_day(20), discharged_on=None)
    response = post_event(
        "hospitalstay-create",
        {"admitted_on": _day(5).isoformat(), "legal_status": "voluntary"},
    )
    assert response.status_code == 400
    assert OVERLAP in response.content.decode()
    assert HospitalStay.objects.count() == 1


def test_stays_of_other_clients_do_not_count(post_event, team_client, tandem):
    from tests.factories import ClientFactory

    HospitalStayFactory(client=ClientFactory(team=team_client.team), admitted_on=_day(20))
    response = post_event(
        "hospitalstay-create", {"admitted_on": _day(15).isoformat(), "legal_status": "voluntary"}
    )
    assert response.status_code == 302


def test_an_involuntary_stay_needs_its_legal_basis(post_event, team_client, worker, origin):
    response = post_event(
        "hospitalstay-create",
        {"admitted_on": _day(5).isoformat(), "legal_status": "involuntary"},
    )
    assert response.status_code == 400
    assert "Give the legal basis of an involuntary stay." in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        event_services.hospital_stay_save(
            client=team_client,
            actor=worker,
            stay=HospitalStay(admitted_on=_day(5), legal_status="involuntary"),
            origin=origin,
        )
    assert exc.value.error_dict["legal_basis"][0].code == "legal_basis_required"
    assert not HospitalStay.objects.exists()
    basis = LegalBasis.objects.filter(country="BG", legal_status="involuntary").first()
    response = post_event(
        "hospitalstay-create",
        {
            "admitted_on": _day(5).isoformat(),
            "legal_status": "involuntary",
            "legal_basis": basis.pk,
        },
    )
    assert response.status_code == 302


def _contact_data(team_client, **overrides):
    data = {
        "started_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "not_met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [team_client.tandem.professional_id],
    }
    data.update(overrides)
    return data


def test_a_contact_not_met_says_why(client, worker, team_client, origin):
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/contacts/new/"
    response = client.post(url, _contact_data(team_client))
    assert response.status_code in (200, 400)
    assert "Say why the client was not met." in response.content.decode()
    assert not Contact.objects.exists()

    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            client=team_client,
            author=worker,
            started_at=timezone.now() - timedelta(hours=1),
            duration_minutes=10,
            mode="phone",
            outcome="not_met",
            origin=origin,
        )
    assert exc.value.error_dict["failure_reason"][0].code == "reason_when_not_met"

    api = {
        "client": team_client.pk,
        "started_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "duration_minutes": 15,
        "mode": "phone",
        "outcome": "not_met",
    }
    response = client.post("/api/v1/contacts/", api, content_type="application/json")
    assert response.status_code == 400
    assert "Say why the client was not met." in response.content.decode()
    assert not Contact.objects.exists()

    response = client.post(url, _contact_data(team_client, failure_reason="not_found"))
    assert response.status_code == 302
    assert Contact.objects.get().failure_reason == "not_found"
