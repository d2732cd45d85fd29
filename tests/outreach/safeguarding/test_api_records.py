"""The safeguarding resources on the record API's base: sync, another team, the page's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import (
    AuditEvent,
    Complaint,
    GuardianshipStatus,
    RiskAssessment,
    SupervisionSession,
    SupportedDecision,
    SupportPerson,
    Training,
)
from tests.factories import ClientFactory, SupportPersonFactory
from tests.outreach.safeguarding.factories import (
    ComplaintFactory,
    RiskAssessmentFactory,
    SupportedDecisionFactory,
)


def _guardianship(c, w):
    return GuardianshipStatus.objects.create(
        client=c, status="none", since=timezone.localdate() - timedelta(days=9), author=w
    )


# url: (audit entity, make a row of client c written by w)
READS = {
    "risk-assessments": (
        "riskassessment",
        lambda c, w: RiskAssessmentFactory(client=c, author=w),
    ),
    "supported-decisions": (
        "supporteddecision",
        lambda c, w: SupportedDecisionFactory(client=c, author=w),
    ),
    "guardianship-statuses": ("guardianshipstatus", _guardianship),
    "complaints": ("complaint", lambda c, w: ComplaintFactory(client=c, author=w)),
}


def _training(team, author):
    training = Training.objects.create(
        team=team,
        kind="who_qualityrights",
        title="QualityRights",
        held_on=timezone.localdate() - timedelta(days=30),
        author=author,
    )
    training.attendees.set([author])
    return training


def _session(team, author):
    session = SupervisionSession.objects.create(
        team=team,
        held_on=timezone.localdate() - timedelta(days=3),
        supervisor_name="Dr Petrova",
        author=author,
    )
    session.attendees.set([author])
    return session


TEAM_ROWS = {"trainings": _training, "supervision-sessions": _session}


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.mark.parametrize("url", READS)
def test_updated_since_returns_rows_changed_since_and_audits_the_list(
    url, api, worker, team_client
):
    entity, make = READS[url]
    row = make(team_client, worker)
    old = timezone.now() - timedelta(days=3)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    lists = AuditEvent.objects.filter(action=f"{entity}.list", actor=worker, client=team_client)
    since = (old + timedelta(days=1)).isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"] == []
    assert not lists.exists()  # nothing shown, nothing audited
    found = api.get(f"/api/v1/{url}/", {"updated_since": old.isoformat()}).json()["results"]
    assert [r["id"] for r in found] == [row.pk]  # at the moment counts
    assert found[0]["updated_at"] and found[0]["client"] == team_client.pk
    assert lists.count() == 1
    assert api.get(f"/api/v1/{url}/", {"updated_since": "yesterday"}).status_code == 400


@pytest.mark.parametrize("url", TEAM_ROWS)
def test_updated_since_on_a_teams_rows(url, api, worker, team):
    row = TEAM_ROWS[url](team, worker)
    old = timezone.now() - timedelta(days=3)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    since = (old + timedelta(days=1)).isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"] == []
    found = api.get(f"/api/v1/{url}/", {"updated_since": old.isoformat()}).json()["results"]
    assert [r["id"] for r in found] == [row.pk] and found[0]["updated_at"]


@pytest.mark.parametrize("url", READS)
def test_another_teams_rows_are_404_and_their_client_lists_nothing(
    url, api, client, worker, outsider, other_team, team_client
):
    entity, make = READS[url]
    own = make(team_client, worker)
    theirs = make(ClientFactory(team=other_team), outsider)
    assert api.get(f"/api/v1/{url}/{theirs.pk}/").status_code == 404
    # Their client's id in ?client= answers like an id of nobody: an empty list, no audit.
    assert api.get(f"/api/v1/{url}/", {"client": theirs.client_id}).json()["results"] == []
    assert not AuditEvent.objects.filter(action=f"{entity}.list").exists()
    rows = api.get(f"/api/v1/{url}/", {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in rows] == [own.pk]
    client.force_login(outsider)
    assert client.get(f"/api/v1/{url}/{own.pk}/").status_code == 404


@pytest.mark.parametrize("url", TEAM_ROWS)
def test_another_teams_rows_are_404(url, api, client, worker, outsider, team, other_team):
    own = TEAM_ROWS[url](team, worker)
    theirs = TEAM_ROWS[url](other_team, outsider)
    assert api.get(f"/api/v1/{url}/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in api.get(f"/api/v1/{url}/").json()["results"]] == [own.pk]
    client.force_login(outsider)
    assert client.get(f"/api/v1/{url}/{own.pk}/").status_code == 404


# --- Creates meet the page's rules --------------------------------------------------------------


def _same_refusal(api, page_url, page_data, api_url, body, field):
    """The page and the API refuse the same input with the same message, and write nothing."""
    before = AuditEvent.objects.exclude(action__endswith=".view").count()
    page = api.post(page_url, page_data)
    assert page.status_code == 400
    form = page.context["form"]
    page_errors = form.non_field_errors() if field == "non_field_errors" else form.errors[field]
    assert page_errors
    response = api.post(f"/api/v1/{api_url}/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == list(page_errors)
    assert AuditEvent.objects.exclude(action__endswith=".view").count() == before


def test_a_risk_assessment_without_any_domain_text_is_refused_on_both_paths(api, team_client):
    data = {"assessed_on": _day(0), "reason": "scheduled", "summary": "Plan."}
    _same_refusal(
        api,
        reverse("outreach:risk-create", args=[team_client.pk]),
        {**data, "written_with_client": "on"},
        "risk-assessments",
        {"client": team_client.pk, **data, "domains": [{"domain": "self_neglect"}]},
        "non_field_errors",
    )
    assert not RiskAssessment.objects.exists()


def test_a_risk_domain_twice_or_unknown_is_refused(api, team_client):
    body = {"client": team_client.pk, "assessed_on": _day(0), "reason": "scheduled"}
    body["summary"] = "Plan."
    twice = [{"domain": "self_neglect", "known": "a"}, {"domain": "self_neglect", "plan": "b"}]
    response = api.post(
        "/api/v1/risk-assessments/", {**body, "domains": twice}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["domains"]
    unknown = [{"domain": "weather", "known": "a"}]
    response = api.post(
        "/api/v1/risk-assessments/", {**body, "domains": unknown}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["domains"][0]["domain"]
    assert not RiskAssessment.objects.exists()


def test_a_risk_assessment_is_written_with_the_client_unless_said(api, team_client):
    body = {"client": team_client.pk, "assessed_on": _day(0), "reason": "scheduled"}
    body.update(summary="Plan.", domains=[{"domain": "self_neglect", "known": "a"}])
    response = api.post("/api/v1/risk-assessments/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["written_with_client"] is True


def test_a_do_not_contact_supporter_is_refused_on_both_paths(api, team_client):
    person = SupportPersonFactory(
        client=team_client, involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    data = {"decided_on": _day(0), "decision": "Move.", "will_and_preferences": "A flat."}
    data.update(support_person=person.pk, followed="pending")
    _same_refusal(
        api,
        reverse("outreach:supporteddecision-create", args=[team_client.pk]),
        data,
        "supported-decisions",
        {"client": team_client.pk, **data},
        "support_person",
    )
    assert not SupportedDecision.objects.exists()


def test_a_decision_is_pending_unless_said(api, team_client):
    body = {"client": team_client.pk, "decided_on": _day(0), "decision": "Move."}
    body.update(will_and_preferences="A flat.", other_supporter="Peer advocate")
    response = api.post("/api/v1/supported-decisions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["followed"] == "pending"


def test_a_guardianship_from_tomorrow_is_refused_on_both_paths(api, team_client):
    data = {"status": "none", "since": _day(1)}
    _same_refusal(
        api,
        reverse("outreach:guardianship-create", args=[team_client.pk]),
        data,
        "guardianship-statuses",
        {"client": team_client.pk, **data},
        "since",
    )
    assert not GuardianshipStatus.objects.exists()


def test_a_complaint_received_tomorrow_is_refused_on_both_paths(api, team_client):
    data = {"received_on": _day(1), "about_kind": "hospital", "about": "Ward 4"}
    data["complaint"] = "They took my phone."
    _same_refusal(
        api,
        reverse("outreach:complaint-create", args=[team_client.pk]),
        data,
        "complaints",
        {"client": team_client.pk, **data},
        "received_on",
    )
    assert not Complaint.objects.exists()


def test_only_the_supervisor_closes_a_complaint_through_the_api(
    api, client, supervisor, team_client
):
    body = {"client": team_client.pk, "received_on": _day(0), "about_kind": "hospital"}
    body.update(about="Ward 4", complaint="Phone taken.", outcome="upheld", closed_on=_day(0))
    response = api.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["outcome"]
    client.force_login(supervisor)
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["closed_on"] == _day(0)


def test_a_training_without_attendees_is_refused_on_both_paths(api, team):
    data = {"kind": "who_qualityrights", "title": "QualityRights", "held_on": _day(0)}
    _same_refusal(
        api,
        reverse("outreach:training-create", args=[team.pk]),
        data,
        "trainings",
        {"team": team.pk, **data, "attendees": []},
        "attendees",
    )
    assert not Training.objects.exists()


def test_a_supervision_session_from_tomorrow_is_refused_on_both_paths(api, worker, team):
    data = {"kind": "group", "held_on": _day(1), "supervisor_name": "Dr Petrova"}
    _same_refusal(
        api,
        reverse("outreach:supervisionsession-create", args=[team.pk]),
        {**data, "attendees": [worker.pk]},
        "supervision-sessions",
        {"team": team.pk, **data, "attendees": [worker.pk]},
        "held_on",
    )
    assert not SupervisionSession.objects.exists()


def test_a_supervision_session_is_a_group_one_unless_said(api, worker, team):
    body = {"team": team.pk, "held_on": _day(0), "supervisor_name": "Dr Petrova"}
    body["attendees"] = [worker.pk]
    response = api.post("/api/v1/supervision-sessions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "group"


def test_a_teams_rows_by_team_and_another_team_lists_nothing(
    api, worker, outsider, team, other_team
):
    own = _training(team, worker)
    _training(other_team, outsider)
    listed = api.get("/api/v1/trainings/", {"team": team.pk}).json()["results"]
    assert [r["id"] for r in listed] == [own.pk]
    for pk in (other_team.pk, other_team.pk + 1000):
        response = api.get("/api/v1/trainings/", {"team": pk})
        assert response.status_code == 200 and response.json()["results"] == []
