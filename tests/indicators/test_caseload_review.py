"""The supervisor's caseload review: flags on the right dates, access, audit, query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from outreach.models import AuditEvent, Role
from tests.factories import ClientFactory, EpisodeFactory, UserFactory
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
)

URL = "/indicators/supervision/caseload/"

ALL_NAMES = [
    "Calm",
    "Notseen",
    "Neverseen",
    "Longago",
    "Reviewlate",
    "Assesslate",
    "Debrieflate",
    "Requestold",
    "Crisisrecent",
    "Admitted",
]

EXPECTED = {
    "not_seen_14": {"Notseen", "Neverseen", "Longago"},
    "not_seen_30": {"Neverseen", "Longago"},
    "review_overdue": {"Reviewlate"},
    "assessment_overdue": {"Assesslate"},
    "assessment_due": {"Reviewlate"},
    "debrief_overdue": {"Debrieflate"},
    "request_open": {"Requestold"},
    "crisis": {"Crisisrecent"},
    "admission": {"Admitted"},
}


def _listed(response) -> set[str]:
    return {r.client.family_name for r in response.context["review"].rows}


def test_url_is_named():
    assert reverse("indicators:caseload-review") == URL


@pytest.mark.parametrize(("flag", "names"), sorted(EXPECTED.items()))
def test_each_flag_lists_the_right_clients(flag, names, client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(URL, {"flag": flag})
    assert response.status_code == 200
    assert _listed(response) == names
    body = response.content.decode()
    for name in ALL_NAMES:
        assert (f">Test {name}</a>" in body) == (name in names), name
    for name in names:
        link = reverse("outreach:client-detail", args=[flagged[name].pk])
        assert f'href="{link}"' in body
        assert f'data-flag="{flag}"' in body or flag.startswith("not_seen")


def test_default_lists_everyone_flagged_but_not_the_calm_client(client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(URL)
    assert _listed(response) == set(ALL_NAMES) - {"Calm"}
    everyone = client.get(URL, {"flag": "all"})
    assert _listed(everyone) == set(ALL_NAMES)


def test_details_show_what_is_late_and_since_when(client, supervisor, flagged, today):
    client.force_login(supervisor)
    body = client.get(URL).content.decode()
    assert "Дирекция Социално подпомагане" in body
    assert "First plan" in body
    assert "not yet seen" in body
    assert "15 days ago" in body
    assert "still in hospital" in body
    assert "no response recorded" in body


def test_summary_counts_flags_per_tandem(client, supervisor, flagged, tandem, second_tandem):
    client.force_login(supervisor)
    response = client.get(URL)
    summaries = {s.tandem.pk: s for s in response.context["review"].tandems}
    first, second = summaries[tandem.pk], summaries[second_tandem.pk]
    assert first.clients == 8 and second.clients == 2
    assert first.counts["not_seen_14"] == 3
    assert first.counts["not_seen_30"] == 2
    assert first.counts["debrief_overdue"] == 1
    assert first.counts["crisis"] == 0
    assert second.counts["crisis"] == 1
    assert second.counts["admission"] == 1
    assert second.counts["not_seen_14"] == 0
    body = response.content.decode()
    assert f"tandem={second_tandem.pk}&amp;flag=crisis" in body
    totals = response.context["review"].totals
    assert totals["crisis"] == 1 and totals["not_seen_14"] == 3 and totals["request_open"] == 1


def test_filter_by_tandem_and_sort(client, supervisor, flagged, second_tandem):
    client.force_login(supervisor)
    response = client.get(URL, {"tandem": second_tandem.pk})
    assert _listed(response) == {"Crisisrecent", "Admitted"}
    by_last_seen = client.get(URL, {"sort": "last_seen"}).context["review"].rows
    assert by_last_seen[0].client.family_name == "Neverseen"
    assert by_last_seen[1].client.family_name == "Longago"
    assert by_last_seen[2].client.family_name == "Notseen"
    by_name = [
        r.client.family_name for r in client.get(URL, {"sort": "name"}).context["review"].rows
    ]
    assert by_name == sorted(by_name)


def test_htmx_filter_returns_only_the_review(client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(URL, {"flag": "crisis"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="review"')
    assert "Crisisrecent" in body and "<html" not in body


def test_filter_by_team_of_a_supervisor_with_two_teams(client, team, other_team, flagged):
    both = UserFactory(role=Role.SUPERVISOR, teams=[team, other_team])
    client.force_login(both)
    assert _listed(client.get(URL, {"team": team.pk})) == set(ALL_NAMES) - {"Calm"}
    assert _listed(client.get(URL, {"team": other_team.pk})) == set()


def test_crisis_and_debrief_that_resolve_leave_the_list(client, supervisor, flagged, today):
    measure = flagged["Debrieflate"].coercive_measures.get()
    measure.debriefed_on = today
    measure.save()
    request = flagged["Requestold"].agency_requests.get()
    request.responded_on = today
    request.save()
    client.force_login(supervisor)
    response = client.get(URL)
    assert "Debrieflate" not in _listed(response)
    assert "Requestold" not in _listed(response)


def test_the_read_is_audited_once_per_listed_client(client, supervisor, flagged):
    client.force_login(supervisor)
    client.get(URL, {"flag": "crisis"})
    events = AuditEvent.objects.filter(action="caseload_review.view", actor=supervisor)
    assert list(events.values_list("client_id", flat=True)) == [flagged["Crisisrecent"].pk]
    assert events.get().path.startswith(URL)


@pytest.mark.parametrize("role", ["worker", "peer", "coordinator", "partner", "admin", "outsider"])
def test_other_roles_get_404(role, client, users_by_role, flagged):
    client.force_login(users_by_role[role])
    assert client.get(URL).status_code == 404


def test_other_teams_supervisor_sees_nothing_of_the_team(client, outside_supervisor, team, flagged):
    client.force_login(outside_supervisor)
    assert client.get(URL, {"team": team.pk}).status_code == 404
    response = client.get(URL, {"flag": "all"})
    assert response.status_code == 200
    body = response.content.decode()
    for name in ALL_NAMES:
        assert name not in body
    assert not AuditEvent.objects.filter(client__team=team, action="caseload_review.view").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_supervisor_sees_the_nav_link(client, supervisor, worker):
    client.force_login(supervisor)
    assert f'href="{URL}"' in client.get(URL).content.decode()
    client.force_login(worker)
    assert f'href="{URL}"' not in client.get("/caseload/").content.decode()


def _every_flag(n, calm_client, tandem, noon, today):
    """n clients, each with every kind of record the review reads."""
    for i in range(n):
        c = calm_client(f"Many{i}", tandem=tandem, seen_days_ago=15, started_days_ago=100)
        CoerciveMeasureFactory(client=c, started_at=noon(29))
        AgencyRequestFactory(client=c, sent_on=today - timedelta(days=31))
        CrisisFactory(client=c, reported_at=noon(3))
        HospitalStayFactory(client=c, admitted_on=today - timedelta(days=5), discharged_on=None)
        HospitalStayFactory(
            client=c,
            admitted_on=today - timedelta(days=20),
            discharged_on=today - timedelta(days=10),
        )


# session, user, teams, tandems (filter), clients with last-seen figures, review clock: open
# episodes, plans, their agreements, their reviews; instruments in use, clients with their open
# episode, assessments done; overdue debriefs, open requests, recent crises, recent admissions,
# discharges not followed up; audit insert; uses of emergency access waiting for review (the
# menu's count); session refresh (savepoint, update, release)
REVIEW_QUERIES = 22


@pytest.mark.parametrize("n", [1, 30])
def test_query_count_does_not_grow_with_the_caseload(
    n, client, supervisor, tandem, calm_client, noon, today, django_assert_num_queries
):
    _every_flag(n, calm_client, tandem, noon, today)
    client.force_login(supervisor)
    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get(URL)
    rows = response.context["review"].rows
    assert len(rows) == n
    assert all(len(r.kinds) == 8 for r in rows), [sorted(r.kinds) for r in rows]


def test_discharged_clients_are_not_reviewed(client, supervisor, flagged, today):
    episode = flagged["Crisisrecent"].episodes.get()
    episode.ended_on = today
    episode.discharge_reason = "goals_met"
    episode.save()
    client.force_login(supervisor)
    response = client.get(URL, {"flag": "crisis"})
    assert _listed(response) == set()
    assert "Crisisrecent" not in response.content.decode()


def test_clients_without_a_tandem_have_their_own_row(client, supervisor, team, flagged, noon):
    orphan = ClientFactory(team=team, tandem=None, given_name="Test", family_name="Notandem")
    EpisodeFactory(client=orphan, tandem=None)
    CrisisFactory(client=orphan, reported_at=noon(2))
    client.force_login(supervisor)
    response = client.get(URL, {"tandem": "none"})
    assert _listed(response) == {"Notandem"}
    summary = next(s for s in response.context["review"].tandems if s.tandem is None)
    assert summary.key == "none" and summary.counts["crisis"] == 1


def test_a_client_accepted_less_than_14_days_ago_is_not_late_to_be_seen(
    client, supervisor, tandem, calm_client
):
    calm_client("Newcomer", tandem=tandem, seen_days_ago=None, started_days_ago=13)
    calm_client("Waiting", tandem=tandem, seen_days_ago=None, started_days_ago=14)
    client.force_login(supervisor)
    response = client.get(URL, {"flag": "not_seen_14"})
    assert _listed(response) == {"Waiting"}
    rows = client.get(URL, {"flag": "all"}).context["review"].rows
    everyone = {r.client.family_name: r for r in rows}
    assert everyone["Newcomer"].seen.level == "new"
    assert "not_seen_30" not in everyone["Waiting"].kinds


def test_a_discharge_without_a_seen_contact_since_is_flagged(
    client, supervisor, tandem, calm_client, today
):
    late = calm_client("Discharged", tandem=tandem, seen_days_ago=9)
    HospitalStayFactory(
        client=late, admitted_on=today - timedelta(days=20), discharged_on=today - timedelta(days=8)
    )
    followed = calm_client("Followed", tandem=tandem, seen_days_ago=1)
    HospitalStayFactory(
        client=followed,
        admitted_on=today - timedelta(days=20),
        discharged_on=today - timedelta(days=1),
    )
    client.force_login(supervisor)
    response = client.get(URL, {"flag": "discharge_followup"})
    assert _listed(response) == {"Discharged"}
    body = response.content.decode()
    assert 'data-flag="discharge_followup"' in body and "follow-up overdue" in body
