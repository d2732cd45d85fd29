"""Hospital stays through the HTTP path: order and plausibility, legal bases as data, baseline."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from outreach.models import AuditEvent, HospitalStay, LegalBasis
from tests.outreach.caserecord.factories import HospitalStayFactory


def _basis(code: str) -> LegalBasis:
    return LegalBasis.objects.get(country="BG", code=code)


def test_worker_records_an_involuntary_stay(post_event, team_client, days_ago, events_page):
    response = post_event(
        "hospitalstay-create",
        {
            "admitted_on": days_ago(10),
            "discharged_on": days_ago(3),
            "hospital": "UMBAL Aleksandrovska",
            "legal_status": "involuntary",
            "legal_basis": _basis("court_ordered").pk,
            "planned": "no",
            "decided_by": "court",
            "contact_kept": "yes",
            "advance_statement_upheld": "partly",
        },
    )
    assert response.status_code == 302
    stay = HospitalStay.objects.get(client=team_client)
    assert stay.legal_status == "involuntary"
    assert stay.planned is False and stay.contact_kept is True
    assert stay.decided_by == "court" and stay.advance_statement_upheld == "partly"
    assert not stay.pre_intake
    assert AuditEvent.objects.filter(action="hospitalstay.create", client=team_client).exists()
    body = events_page()
    assert "UMBAL Aleksandrovska" in body and "Court" in body


def test_discharge_before_admission_is_refused(post_event, team_client, days_ago):
    response = post_event(
        "hospitalstay-create",
        {"admitted_on": days_ago(3), "discharged_on": days_ago(5), "legal_status": "voluntary"},
    )
    assert response.status_code == 400
    assert "Discharge cannot be before admission." in response.content.decode()
    assert not HospitalStay.objects.exists()


def test_admission_in_the_future_is_refused(post_event, today):
    response = post_event(
        "hospitalstay-create",
        {"admitted_on": (today + timedelta(days=1)).isoformat(), "legal_status": "voluntary"},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not HospitalStay.objects.exists()


def test_legal_basis_must_match_the_status(post_event, days_ago):
    response = post_event(
        "hospitalstay-create",
        {
            "admitted_on": days_ago(3),
            "legal_status": "voluntary",
            "legal_basis": _basis("emergency").pk,
        },
    )
    assert response.status_code == 400
    assert "does not match the legal status" in response.content.decode()
    assert not HospitalStay.objects.exists()


def test_legal_bases_are_data_per_country(client, worker, team_client, post_event, days_ago):
    other = LegalBasis.objects.create(
        country="RO", code="ro_involuntary", label="Romanian basis", legal_status="involuntary"
    )
    client.force_login(worker)
    page = client.get(reverse("outreach:hospitalstay-create", args=[team_client.pk]))
    body = page.content.decode()
    assert "Compulsory treatment ordered by a court" in body
    assert "Romanian basis" not in body
    response = post_event(
        "hospitalstay-create",
        {"admitted_on": days_ago(3), "legal_status": "involuntary", "legal_basis": other.pk},
    )
    assert response.status_code == 400
    # A municipality in Romania gets the Romanian list, with no code change.
    team_client.team.municipality.country = "RO"
    team_client.team.municipality.save()
    body = client.get(reverse("outreach:hospitalstay-create", args=[team_client.pk])).content
    assert b"Romanian basis" in body and b"ordered by a court" not in body


def test_pre_intake_stays_are_kept_apart(post_event, team_client, events_page):
    intake = team_client.episodes.get().started_on
    response = post_event(
        "hospitalstay-create",
        {
            "pre_intake": "on",
            "admitted_on": (intake - timedelta(days=100)).isoformat(),
            "discharged_on": (intake - timedelta(days=80)).isoformat(),
            "legal_status": "involuntary",
            "hospital": "State Psychiatric Hospital Kurilo",
        },
    )
    assert response.status_code == 302
    HospitalStayFactory(client=team_client, hospital="During care hospital")
    assert HospitalStay.objects.get(pre_intake=True).hospital.startswith("State")
    body = events_page()
    baseline = body.split("Before intake (previous 12 months)")[1]
    timeline = body.split("Before intake (previous 12 months)")[0]
    assert "State Psychiatric Hospital Kurilo" in baseline
    assert "State Psychiatric Hospital Kurilo" not in timeline
    assert "During care hospital" in timeline


def test_pre_intake_stay_must_lie_in_the_12_months_before_intake(post_event, team_client):
    intake = team_client.episodes.get().started_on
    after = post_event(
        "hospitalstay-create",
        {
            "pre_intake": "on",
            "admitted_on": (intake + timedelta(days=1)).isoformat(),
            "legal_status": "voluntary",
        },
    )
    assert after.status_code == 400
    assert "must start before" in after.content.decode()
    too_early = post_event(
        "hospitalstay-create",
        {
            "pre_intake": "on",
            "admitted_on": (intake - timedelta(days=400)).isoformat(),
            "legal_status": "voluntary",
        },
    )
    assert too_early.status_code == 400
    assert "12 months before intake" in too_early.content.decode()
    assert not HospitalStay.objects.exists()


def test_discharge_added_later(post_event, team_client, days_ago):
    stay = HospitalStayFactory(client=team_client, discharged_on=None, admitted_on=days_ago(9))
    data = {"admitted_on": days_ago(9), "discharged_on": days_ago(2), "legal_status": "voluntary"}
    response = post_event("hospitalstay-update", data, stay.pk)
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_on.isoformat() == days_ago(2)
    assert AuditEvent.objects.filter(action="hospitalstay.update", object_id=str(stay.pk)).exists()


def test_other_team_cannot_edit_a_stay(client, outsider, team_client):
    stay = HospitalStayFactory(client=team_client)
    client.force_login(outsider)
    url = reverse("outreach:hospitalstay-update", args=[team_client.pk, stay.pk])
    assert client.post(url, {"admitted_on": "2020-01-01"}).status_code == 404
