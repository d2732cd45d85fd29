"""The case record's events through the API: the pages' access, forms, services and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.caserecord.services import coercive_measure_record, group_session_record
from outreach.models import (
    AdverseEvent,
    AgencyRequest,
    AuditEvent,
    CaseAgency,
    CaseConference,
    CoerciveMeasure,
    Crisis,
    Debrief,
    Discharge,
    ExitSurvey,
    FollowUpAction,
    GroupSession,
    HospitalStay,
    Milestone,
    Relapse,
    Responsibility,
)
from tests.factories import ClientFactory, EpisodeFactory
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CaseAgencyFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
    MilestoneFactory,
    RelapseFactory,
)

TODAY = timezone.localdate


def _day(n: int) -> str:
    return (TODAY() - timedelta(days=n)).isoformat()


def _moment(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


def _measure(client, actor):
    from tests.factories import make_origin

    measure = CoerciveMeasureFactory.build(client=client)
    return coercive_measure_record(
        client=client, actor=actor, measure=measure, origin=make_origin()
    )


def _conference(client):
    conference = CaseConference.objects.create(client=client, held_on=TODAY(), decisions="plan")
    FollowUpAction.objects.create(conference=conference, action="call the landlord", owner="me")
    return conference


def _followup(client):
    return _conference(client).actions.get()


def _session(client, actor):
    from tests.factories import make_origin

    return group_session_record(
        team=client.team,
        actor=actor,
        title="walk",
        started_at=timezone.now() - timedelta(days=1),
        duration_minutes=60,
        location="other",
        attendees=[client],
        origin=make_origin(),
    )


def _discharge(client, actor):
    episode = EpisodeFactory(client=client, started_on=TODAY() - timedelta(days=400))
    return Discharge.objects.create(episode=episode, recorded_by=actor)


# url, entity, a maker of one row of `client` (actor given for the rows a service makes).
READS = {
    "hospital-stays": ("hospitalstay", lambda c, u: HospitalStayFactory(client=c)),
    "coercive-measures": ("coercivemeasure", _measure),
    "crises": ("crisis", lambda c, u: CrisisFactory(client=c)),
    "relapses": ("relapse", lambda c, u: RelapseFactory(client=c)),
    "adverse-events": (
        "adverseevent",
        lambda c, u: AdverseEvent.objects.create(client=c, kind="arrest", occurred_on=TODAY()),
    ),
    "milestones": ("milestone", lambda c, u: MilestoneFactory(client=c)),
    "case-agencies": ("caseagency", lambda c, u: CaseAgencyFactory(client=c)),
    "responsibilities": (
        "responsibility",
        lambda c, u: Responsibility.objects.create(
            client=c, domain="housing", party="team", task="flat"
        ),
    ),
    "agency-requests": ("agencyrequest", lambda c, u: AgencyRequestFactory(client=c)),
    "case-conferences": ("caseconference", lambda c, u: _conference(c)),
    "follow-ups": ("followupaction", lambda c, u: _followup(c)),
    "group-sessions": ("groupsession", _session),
    "discharges": ("discharge", _discharge),
}

# Queries of each list: session, user, the page of rows (one joined query, + its prefetches),
# the audit INSERT of one row per client, the session save (savepoint, update, release).
LIST_QUERIES = {
    "hospital-stays": 7,
    "coercive-measures": 7,  # the debrief joined
    "crises": 8,  # + mobilised staff
    "relapses": 7,
    "adverse-events": 7,
    "milestones": 7,
    "case-agencies": 7,
    "responsibilities": 7,
    "agency-requests": 7,
    "case-conferences": 11,  # + staff, support people, agencies, actions
    "follow-ups": 7,
    "group-sessions": 8,  # + the attendees' contacts
    "discharges": 7,
}


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


def _post(client, url, data):
    return client.post(f"/api/v1/{url}", data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(f"/api/v1/{url}", data, content_type="application/json")


@pytest.mark.parametrize("url", READS)
def test_other_teams_rows_are_absent_and_404(url, client, worker, outsider, team_client):
    entity, make = READS[url]
    row = make(team_client, worker)
    client.force_login(outsider)
    assert client.get(f"/api/v1/{url}/").json()["results"] == []
    assert client.get(f"/api/v1/{url}/{row.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith=f"{entity}.", actor=outsider).exists()
    client.force_login(worker)
    response = client.get(f"/api/v1/{url}/{row.pk}/")
    assert response.status_code == 200 and response.json()["id"] == row.pk
    assert AuditEvent.objects.filter(
        action=f"{entity}.view", actor=worker, client=team_client, object_id=str(row.pk)
    ).exists()


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("role", ["partner", "coordinator", "admin", "dpo"])
def test_roles_without_client_records_read_nothing(url, role, client, users_by_role, team_client):
    entity, make = READS[url]
    row = make(team_client, users_by_role["worker"])
    client.force_login(users_by_role[role])
    assert client.get(f"/api/v1/{url}/").json()["results"] == []
    assert client.get(f"/api/v1/{url}/{row.pk}/").status_code == 404


@pytest.mark.parametrize("url", READS)
def test_list_audits_one_row_per_client_and_filters(url, api, worker, team_client, tandem):
    entity, make = READS[url]
    other = ClientFactory(team=team_client.team, tandem=tandem)
    EpisodeFactory(client=other)
    make(team_client, worker)
    make(other, worker)
    rows = api.get(f"/api/v1/{url}/").json()["results"]
    assert len(rows) == 2
    events = AuditEvent.objects.filter(action=f"{entity}.list")
    assert sorted(events.values_list("client_id", flat=True)) == sorted([team_client.pk, other.pk])
    only = api.get(f"/api/v1/{url}/", {"client": other.pk}).json()["results"]
    assert len(only) == 1 and only[0]["client" if url != "group-sessions" else "id"]


@pytest.mark.parametrize("url", READS)
def test_updated_since_returns_rows_changed_since(url, api, worker, team_client):
    _, make = READS[url]
    row = make(team_client, worker)
    old = timezone.now() - timedelta(days=3)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    since = (old + timedelta(days=1)).isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"] == []
    before = (old - timedelta(minutes=1)).isoformat()
    found = api.get(f"/api/v1/{url}/", {"updated_since": before}).json()["results"]
    assert [r["id"] for r in found] == [row.pk]
    assert api.get(f"/api/v1/{url}/", {"updated_since": "yesterday"}).status_code == 400


@pytest.mark.parametrize("url", READS)
def test_list_queries_do_not_grow_with_rows(
    url, api, worker, team_client, tandem, django_assert_num_queries
):
    _, make = READS[url]
    make(team_client, worker)
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 1
    for _ in range(3):
        other = ClientFactory(team=team_client.team, tandem=tandem)
        EpisodeFactory(client=other)
        make(other, worker)
    with django_assert_num_queries(LIST_QUERIES[url]):
        assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 4


def test_lists_are_paged_with_a_cursor(api, team_client):
    for _ in range(3):
        CrisisFactory(client=team_client)
    first = api.get("/api/v1/crises/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


# --- Creates: the page's form and service -----------------------------------------------------


def _creates(team_client):
    """url, model, a valid body, an invalid body and the field its error names."""
    return {
        "hospital-stays": (
            HospitalStay,
            {"admitted_on": _day(20), "legal_status": "voluntary", "planned": False},
            {"admitted_on": _day(5), "discharged_on": _day(9), "legal_status": "voluntary"},
            "discharged_on",
        ),
        "coercive-measures": (
            CoerciveMeasure,
            {
                "started_at": _moment(days=2),
                "kind": "seclusion",
                "decided_by": "hospital_psychiatrist",
            },
            {"started_at": _moment(days=-2), "kind": "seclusion"},
            "started_at",
        ),
        "crises": (
            Crisis,
            {"reported_at": _moment(hours=5), "outcome": "stayed at home"},
            {"reported_at": _moment(hours=5), "first_response_at": _moment(hours=6)},
            "first_response_at",
        ),
        "relapses": (
            Relapse,
            {"onset_on": _day(3), "signs": "not sleeping"},
            {"onset_on": _day(-3), "signs": "x"},
            "onset_on",
        ),
        "adverse-events": (
            AdverseEvent,
            {"kind": "eviction", "occurred_on": _day(1)},
            {"kind": "flood", "occurred_on": _day(1)},
            "kind",
        ),
        "milestones": (
            Milestone,
            {"kind": "housing", "achieved_on": _day(1)},
            {"kind": "housing"},
            "achieved_on",
        ),
        "case-agencies": (
            CaseAgency,
            {"name": "Labour office", "involved_since": _day(30)},
            {"name": ""},
            "name",
        ),
        "responsibilities": (
            Responsibility,
            {"domain": "income", "party": "client", "task": "apply for benefits"},
            {"domain": "income", "party": "nobody", "task": "x"},
            "party",
        ),
        "agency-requests": (
            AgencyRequest,
            {"agency": "Housing office", "request": "a flat", "sent_on": _day(4)},
            {"request": "a flat", "sent_on": _day(4)},
            "agency",
        ),
    }


CREATE_URLS = [
    "hospital-stays",
    "coercive-measures",
    "crises",
    "relapses",
    "adverse-events",
    "milestones",
    "case-agencies",
    "responsibilities",
    "agency-requests",
]


@pytest.mark.parametrize("url", CREATE_URLS)
def test_create_writes_through_the_service_and_audits(url, api, worker, team_client):
    model, body, _, _ = _creates(team_client)[url]
    response = _post(api, f"{url}/", {"client": team_client.pk, **body})
    assert response.status_code == 201, response.content
    row = model.objects.get(pk=response.json()["id"])
    assert row.client_id == team_client.pk
    assert response.json()["client"] == team_client.pk
    entity = READS[url][0]
    assert AuditEvent.objects.filter(
        action=f"{entity}.create", actor=worker, client=team_client, object_id=str(row.pk)
    ).exists()


@pytest.mark.parametrize("url", CREATE_URLS)
def test_invalid_create_answers_400_and_writes_nothing(url, api, team_client):
    model, _, bad, field = _creates(team_client)[url]
    before = AuditEvent.objects.count()
    response = _post(api, f"{url}/", {"client": team_client.pk, **bad})
    assert response.status_code == 400
    assert response.json()[field], response.json()
    assert not model.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("url", CREATE_URLS)
@pytest.mark.parametrize("role", ["outsider", "partner", "coordinator", "admin"])
def test_create_for_another_teams_client_is_404(url, role, client, users_by_role, team_client):
    model, body, _, _ = _creates(team_client)[url]
    client.force_login(users_by_role[role])
    response = _post(client, f"{url}/", {"client": team_client.pk, **body})
    assert response.status_code == 404
    assert not model.objects.exists()


def test_create_needs_a_client_and_an_object(api):
    assert "client" in _post(api, "milestones/", {"kind": "housing"}).json()
    response = api.post("/api/v1/milestones/", [1, 2], content_type="application/json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_choice_of_another_client_is_refused(api, team_client, tandem):
    other = ClientFactory(team=team_client.team, tandem=tandem)
    crisis = CrisisFactory(client=other)
    response = _post(
        api,
        "relapses/",
        {"client": team_client.pk, "onset_on": _day(9), "signs": "x", "crisis": crisis.pk},
    )
    assert response.status_code == 400 and "crisis" in response.json()
    assert not Relapse.objects.exists()


def test_service_rule_answers_400(api, team_client):
    """A rule of the service (not the form): a stay before intake lies before the first episode."""
    response = _post(
        api,
        "hospital-stays/",
        {
            "client": team_client.pk,
            "pre_intake": True,
            "admitted_on": _day(2),
            "legal_status": "voluntary",
        },
    )
    assert response.status_code == 400 and "admitted_on" in response.json()
    assert not HospitalStay.objects.exists()


# --- Changes where the pages change -----------------------------------------------------------


def test_patch_adds_a_hospital_discharge(api, worker, team_client):
    stay = HospitalStayFactory(client=team_client, discharged_on=None, admitted_on=TODAY())
    response = _patch(api, f"hospital-stays/{stay.pk}/", {"discharged_on": _day(-1)})
    assert response.status_code == 400 and "discharged_on" in response.json()
    stay.refresh_from_db()
    assert stay.discharged_on is None
    stay.admitted_on = TODAY() - timedelta(days=8)
    stay.save()
    body = {"discharged_on": _day(1), "planned": False, "contact_kept": True}
    response = _patch(api, f"hospital-stays/{stay.pk}/", body)
    assert response.status_code == 200, response.content
    stay.refresh_from_db()
    assert stay.discharged_on == TODAY() - timedelta(days=1)
    assert (stay.planned, stay.contact_kept) == (False, True)
    assert stay.legal_status == "voluntary" and stay.hospital  # the rest as it was
    event = AuditEvent.objects.get(action="hospitalstay.update", object_id=str(stay.pk))
    assert "discharged_on" in event.detail["changes"]


def test_patch_of_another_teams_stay_is_404(client, outsider, team_client):
    stay = HospitalStayFactory(client=team_client, discharged_on=None)
    client.force_login(outsider)
    assert _patch(client, f"hospital-stays/{stay.pk}/", {"discharged_on": _day(1)}).status_code == (
        404
    )
    stay.refresh_from_db()
    assert stay.discharged_on is None


def test_patch_crisis_sets_mobilised_staff(api, worker, peer, outsider, team_client):
    crisis = CrisisFactory(client=team_client, first_response_at=None)
    response = _patch(api, f"crises/{crisis.pk}/", {"mobilised_staff": [outsider.pk]})
    assert response.status_code == 400 and "mobilised_staff" in response.json()
    response = _patch(
        api,
        f"crises/{crisis.pk}/",
        {"mobilised_staff": [peer.pk], "first_response_at": _moment(minutes=5)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["mobilised_staff"] == [peer.pk]
    assert list(crisis.mobilised_staff.all()) == [peer]


def test_debrief_action(api, worker, team_client):
    measure = _measure(team_client, worker)
    response = _post(api, f"coercive-measures/{measure.pk}/debrief/", {})
    assert response.status_code == 400 and "what_should_change" in response.json()
    response = _post(
        api,
        f"coercive-measures/{measure.pk}/debrief/",
        {"what_should_change": "ask before", "client_view": "scary"},
    )
    assert response.status_code == 200, response.content
    debrief = Debrief.objects.get(measure=measure)
    assert debrief.done_on == TODAY() and debrief.done_by == worker
    assert response.json()["debrief"]["what_should_change"] == "ask before"
    assert response.json()["debriefed_on"] == TODAY().isoformat()
    assert AuditEvent.objects.filter(action="debrief.update", client=team_client).exists()


def test_debrief_of_another_team_is_404(client, outsider, worker, team_client):
    measure = _measure(team_client, worker)
    client.force_login(outsider)
    response = _post(
        client, f"coercive-measures/{measure.pk}/debrief/", {"what_should_change": "x"}
    )
    assert response.status_code == 404
    assert Debrief.objects.get(measure=measure).done_on is None


def test_agency_response(api, team_client):
    request_ = AgencyRequestFactory(client=team_client)
    url = f"agency-requests/{request_.pk}/respond/"
    assert "responded_on" in _post(api, url, {"outcome": "yes"}).json()
    response = _post(api, url, {"responded_on": _day(11), "outcome": "yes"})
    assert response.status_code == 400  # before it was sent (the model's rule)
    response = _post(api, url, {"responded_on": _day(1), "outcome": "appointment given"})
    assert response.status_code == 200, response.content
    request_.refresh_from_db()
    assert request_.responded_on == TODAY() - timedelta(days=1)
    assert AuditEvent.objects.filter(action="agencyrequest.update", client=team_client).exists()


def test_case_conference_with_actions(api, worker, team_client):
    from tests.factories import SupportPersonFactory

    barred = SupportPersonFactory(client=team_client, involvement="do_not_contact")
    body = {
        "client": team_client.pk,
        "held_on": _day(1),
        "client_present": True,
        "staff": [worker.pk],
        "decisions": "apply for housing",
        "actions": [{"action": "call the office", "owner": "worker", "due_on": _day(-7)}],
    }
    bad = {**body, "support_people": [barred.pk]}
    assert "support_people" in _post(api, "case-conferences/", bad).json()
    bad = {**body, "actions": [{"action": "call", "owner": ""}]}
    response = _post(api, "case-conferences/", bad)
    assert response.status_code == 400 and response.json()["actions"][0]["owner"]
    assert not CaseConference.objects.exists()
    response = _post(api, "case-conferences/", body)
    assert response.status_code == 201, response.content
    conference = CaseConference.objects.get()
    assert conference.author == worker and list(conference.staff.all()) == [worker]
    assert [a["action"] for a in response.json()["actions"]] == ["call the office"]
    assert AuditEvent.objects.filter(action="caseconference.create", client=team_client).exists()


def test_followup_patch_and_done(api, worker, team_client):
    followup = _followup(team_client)
    response = _patch(api, f"follow-ups/{followup.pk}/", {"done_on": _day(3)})
    assert response.status_code == 400  # before the conference
    response = _patch(api, f"follow-ups/{followup.pk}/", {"owner": "the client"})
    assert response.status_code == 200 and response.json()["owner"] == "the client"
    response = _post(api, f"follow-ups/{followup.pk}/done/", {})
    assert response.status_code == 200 and response.json()["done_on"] == TODAY().isoformat()
    assert _post(api, f"follow-ups/{followup.pk}/done/", {}).status_code == 400
    assert AuditEvent.objects.filter(action="followupaction.done", client=team_client).exists()


def test_followup_done_by_another_team_is_404(client, outsider, team_client):
    followup = _followup(team_client)
    client.force_login(outsider)
    assert _post(client, f"follow-ups/{followup.pk}/done/", {}).status_code == 404
    followup.refresh_from_db()
    assert followup.done_on is None


def test_group_session_makes_a_contact_per_attendee(api, worker, outsider, team_client, tandem):
    other = ClientFactory(team=team_client.team, tandem=tandem)
    stranger = ClientFactory(team=outsider.teams.get())
    body = {
        "team": team_client.team_id,
        "title": "cooking",
        "started_at": _moment(hours=3),
        "duration_minutes": 90,
        "location": "team_office",
        "attendees": [team_client.pk, stranger.pk],
    }
    response = _post(api, "group-sessions/", body)
    assert response.status_code == 400 and "attendees" in response.json()
    assert not GroupSession.objects.exists()
    response = _post(api, "group-sessions/", {**body, "attendees": [team_client.pk, other.pk]})
    assert response.status_code == 201, response.content
    assert response.json()["attendees"] == sorted([team_client.pk, other.pk])
    assert team_client.contacts.count() == 1 and other.contacts.count() == 1
    assert _post(api, "group-sessions/", {**body, "team": outsider.teams.get().pk}).status_code == (
        404
    )


def test_discharge_closes_the_episode_with_an_anonymous_survey(api, worker, team_client):
    episode = team_client.episodes.get()
    body = {"episode": episode.pk, "ended_on": _day(1), "discharge_reason": "goals_met"}
    bad = {**body, "ended_on": (episode.started_on - timedelta(days=1)).isoformat()}
    assert "ended_on" in _post(api, "discharges/", bad).json()
    bad = {**body, "survey": {"felt_respected": "maybe"}}
    assert "survey" in _post(api, "discharges/", bad).json()
    episode.refresh_from_db()
    assert episode.ended_on is None and not ExitSurvey.objects.exists()
    response = _post(api, "discharges/", {**body, "survey": {"felt_respected": "yes"}})
    assert response.status_code == 201, response.content
    episode.refresh_from_db()
    assert episode.ended_on == TODAY() - timedelta(days=1)
    assert response.json()["discharge_reason"] == "goals_met"
    assert ExitSurvey.objects.get().felt_respected == "yes"
    assert AuditEvent.objects.filter(action="episode.discharge", client=team_client).exists()
    again = _post(api, "discharges/", body)
    assert again.status_code == 400 and Discharge.objects.count() == 1


def test_discharge_of_another_teams_episode_is_404(client, outsider, team_client):
    episode = team_client.episodes.get()
    client.force_login(outsider)
    body = {"episode": episode.pk, "ended_on": _day(1), "discharge_reason": "goals_met"}
    assert _post(client, "discharges/", body).status_code == 404
    episode.refresh_from_db()
    assert episode.ended_on is None


def test_service_sees_updated_at_bump_on_debrief(worker, team_client, origin):
    """updated_at follows a change made with update_fields (a sync must see the debrief)."""
    from outreach.caserecord.services import debrief_complete

    measure = _measure(team_client, worker)
    CoerciveMeasure.objects.filter(pk=measure.pk).update(
        updated_at=timezone.now() - timedelta(days=2)
    )
    with CaptureQueriesContext(connection):
        debrief_complete(
            measure=measure,
            actor=worker,
            done_on=TODAY(),
            done_by=worker,
            what_should_change="x",
            origin=origin,
        )
    measure.refresh_from_db()
    assert measure.updated_at > timezone.now() - timedelta(minutes=1)
