"""Risk assessment and management plan: pages, service, versions, the review clock, My work, API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.mywork import selectors as mywork
from outreach.models import AuditEvent, RiskAssessment, RiskDomain
from outreach.safeguarding import selectors, services
from outreach.safeguarding.schedule import next_risk_review
from tests.factories import ClientFactory, EpisodeFactory
from tests.outreach.caserecord.factories import CrisisFactory, HospitalStayFactory
from tests.outreach.safeguarding.factories import RiskAssessmentFactory


def _form(days_ago, **extra):
    data = {
        "assessed_on": days_ago(0),
        "reason": "scheduled",
        "written_with_client": "on",
        "summary": "Talks of ending it when evicted; agreed crisis line and daily visits.",
        "harm_to_self-known": "Two overdoses in 2024 after evictions.",
        "harm_to_self-client_view": "It happens when I lose my place.",
        "harm_to_self-what_helps": "Her sister, a roof, being asked straight.",
        "harm_to_self-plan": "Daily visit while housing is uncertain.",
        "harm_from_others-known": "Money taken by a neighbour.",
    }
    data.update(extra)
    return data


def _record(client_, actor, origin, *, day=None, reason="scheduled", **kwargs):
    return services.risk_assessment_record(
        client=client_,
        actor=actor,
        assessment=RiskAssessment(
            assessed_on=day or timezone.localdate(), reason=reason, summary="s", **kwargs
        ),
        domains={"self_neglect": {"known": "skips meals"}},
        origin=origin,
    )


# --- Pages -----------------------------------------------------------------------------------


def test_worker_writes_the_risk_plan_and_the_client_page_shows_it(
    post_page, client, team_client, days_ago
):
    response = post_page("risk-create", _form(days_ago))
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(client=team_client)
    assert assessment.version == 1 and assessment.written_with_client
    domains = {d.domain: d for d in assessment.domains.all()}
    assert len(domains) == 5
    assert domains["harm_to_self"].client_view == "It happens when I lose my place."
    assert domains["physical_health"].is_empty
    assert AuditEvent.objects.filter(
        action="riskassessment.create", client=team_client, detail__version=1
    ).exists()
    page = client.get(team_client.get_absolute_url()).content.decode()
    alert = page.split('data-alert="risk"')[1].split("</div>")[0]
    assert "Talks of ending it when evicted" in alert
    timeline = page[page.index('id="timeline-h"') :]
    assert "Risk assessment, version 1" in timeline


def test_a_recent_crisis_and_the_risk_plan_are_one_alert(post_page, client, team_client, days_ago):
    CrisisFactory(client=team_client)
    post_page("risk-create", _form(days_ago))
    page = client.get(team_client.get_absolute_url()).content.decode()
    assert page.count('data-alert="risk"') == 1
    alert = page.split('data-alert="risk"')[1].split("</div>")[0]
    assert 'data-risk="crisis"' in alert and "Talks of ending it when evicted" in alert
    # A crisis makes the one alert red, not a second one.
    assert 'class="alert danger" role="note" data-alert="risk"' in page


def test_a_review_is_a_new_version_and_the_old_one_is_kept(
    post_page, client, team_client, days_ago
):
    post_page("risk-create", _form(days_ago, assessed_on=days_ago(3)))
    form = client.get(reverse("outreach:risk-create", args=[team_client.pk])).content.decode()
    assert "Two overdoses in 2024 after evictions." in form  # the review starts from it
    response = post_page(
        "risk-create", _form(days_ago, summary="Housed since May; calmer.", reason="other")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:risk-detail", args=[team_client.pk])
    first, second = RiskAssessment.objects.filter(client=team_client).order_by("version")
    assert first.summary.startswith("Talks of ending it") and second.version == 2
    page = client.get(reverse("outreach:risk-detail", args=[team_client.pk])).content.decode()
    assert "Current: version 2" in page and "Earlier versions" in page
    assert "Talks of ending it" in page.split("Earlier versions")[1]
    assert AuditEvent.objects.filter(action="riskassessment.view", client=team_client).exists()


def test_nothing_written_in_any_domain_is_refused(post_page, team_client, days_ago):
    data = {k: v for k, v in _form(days_ago).items() if "-" not in k}
    response = post_page("risk-create", data)
    assert response.status_code == 400
    assert "Write at least one domain" in response.content.decode()
    assert not RiskAssessment.objects.exists() and not RiskDomain.objects.exists()


def test_a_future_date_or_a_review_after_no_crisis_is_refused(post_page, days_ago):
    assert post_page("risk-create", _form(days_ago, assessed_on=days_ago(-1))).status_code == 400
    response = post_page("risk-create", _form(days_ago, reason="after_crisis"))
    assert response.status_code == 400
    assert "Choose the crisis" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_another_clients_crisis_cannot_be_chosen(post_page, team_client, days_ago):
    other = CrisisFactory(client=ClientFactory(team=team_client.team))
    response = post_page("risk-create", _form(days_ago, reason="after_crisis", crisis=other.pk))
    assert response.status_code == 400
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
@pytest.mark.parametrize("name", ["risk-detail", "risk-create"])
def test_other_teams_and_partners_get_404(role, name, client, users_by_role, team_client, days_ago):
    client.force_login(users_by_role[role])
    url = reverse(f"outreach:{name}", args=[team_client.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(days_ago)).status_code == (404 if "create" in name else 405)
    assert not RiskAssessment.objects.exists()


def test_risk_page_queries_do_not_grow_with_versions(
    client, worker, team_client, origin, django_assert_num_queries
):
    client.force_login(worker)
    url = reverse("outreach:risk-detail", args=[team_client.pk])

    def count():
        with django_assert_num_queries(QUERIES):
            assert client.get(url).status_code == 200

    # session, user, client (with team, tandem, own-team check), audit insert; versions, their
    # domains; the review clock (episodes, reviews, crises, admissions); session refresh
    # (savepoint, update, release)
    QUERIES = 13
    _record(team_client, worker, origin)
    count()
    for _ in range(5):
        _record(team_client, worker, origin)
    count()


# --- The service -----------------------------------------------------------------------------


def test_service_numbers_versions_and_audits(team_client, worker, origin):
    first = _record(team_client, worker, origin)
    second = _record(team_client, worker, origin)
    assert (first.version, second.version) == (1, 2)
    assert second.episode == team_client.episodes.get()
    assert second.domains.count() == 5
    assert AuditEvent.objects.filter(action="riskassessment.create").count() == 2


def test_service_refuses_someone_outside_the_team(team_client, outsider, origin):
    with pytest.raises(PermissionDenied):
        _record(team_client, outsider, origin)
    assert not RiskAssessment.objects.exists()


def test_service_refuses_an_unknown_domain_and_another_clients_stay(team_client, worker, origin):
    with pytest.raises(ValidationError):
        services.risk_assessment_record(
            client=team_client,
            actor=worker,
            assessment=RiskAssessment(assessed_on=timezone.localdate(), summary="s"),
            domains={"dangerousness": {"known": "x"}},
            origin=origin,
        )
    stay = HospitalStayFactory(client=ClientFactory(team=team_client.team))
    with pytest.raises(ValidationError):
        _record(team_client, worker, origin, reason="after_admission", hospital_stay=stay)
    assert not RiskAssessment.objects.exists()


# --- The review clock --------------------------------------------------------------------------


START = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("reviews", "today", "month", "due_on", "status"),
    [
        ([], date(2026, 1, 5), 0, START, "due"),  # the first assessment, at intake
        ([], date(2026, 1, 11), 0, START, "overdue"),
        ([START], date(2026, 3, 1), 3, date(2026, 4, 10), "upcoming"),
        ([START], date(2026, 4, 1), 3, date(2026, 4, 10), "due"),
        ([START], date(2026, 4, 11), 3, date(2026, 4, 10), "overdue"),
        ([START, date(2026, 4, 1)], date(2026, 5, 1), 6, date(2026, 7, 10), "upcoming"),
        ([START, date(2026, 7, 10)], date(2026, 9, 30), 9, date(2026, 10, 10), "due"),
        ([START, date(2026, 10, 9)], date(2027, 1, 11), 12, date(2027, 1, 10), "overdue"),
    ],
)
def test_reviews_at_months_0_3_6_9(reviews, today, month, due_on, status):
    nxt = next_risk_review(started_on=START, reviewed_on=reviews, today=today)
    assert (nxt.month, nxt.due_on, nxt.status, nxt.event) == (month, due_on, status, "")


def test_a_review_is_due_within_7_days_of_a_crisis_or_an_admission():
    crisis = date(2026, 2, 1)
    nxt = next_risk_review(
        started_on=START, reviewed_on=[START], crises_on=[crisis], today=date(2026, 2, 3)
    )
    assert (nxt.event, nxt.due_on, nxt.status) == ("crisis", date(2026, 2, 8), "due")
    assert next_risk_review(
        started_on=START, reviewed_on=[START], admitted_on=[crisis], today=date(2026, 2, 9)
    ).overdue
    # A review on or after the event answers it.
    done = next_risk_review(
        started_on=START, reviewed_on=[START, crisis], crises_on=[crisis], today=date(2026, 2, 9)
    )
    assert done.event == "" and done.month == 3


def test_the_client_is_on_my_work_until_the_risk_review_is_held(team_client, worker, origin):
    def items():
        scope = mywork.work_scope(user=worker, tandems=mywork.worker_tandems(worker), own=True)
        return [i for i in mywork.my_work(scope).items if i.kind == "risk_review"]

    (item,) = items()  # the episode started 90 days ago: the first assessment is overdue
    assert item.client == team_client and item.overdue and item.title == "First risk assessment"
    assert item.url == reverse("outreach:risk-create", args=[team_client.pk])
    _record(team_client, worker, origin)
    assert items() == []
    CrisisFactory(client=team_client)  # reported 5 days ago: before today's review
    assert items() == []
    RiskAssessment.objects.update(assessed_on=timezone.localdate() - timedelta(days=2))
    CrisisFactory(client=team_client, reported_at=timezone.now())  # after the review
    (item,) = items()
    assert item.title.startswith("Risk review after the crisis of")


def test_my_work_page_lists_the_risk_review(client, worker, team_client):
    client.force_login(worker)
    body = client.get("/indicators/my-work/").content.decode()
    assert "First risk assessment" in body
    assert reverse("outreach:risk-create", args=[team_client.pk]) in body


def test_the_client_page_says_the_review_is_due(client, worker, team_client):
    client.force_login(worker)
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert 'data-due="risk_review"' in body and "First risk assessment" in body


def test_a_discharged_client_has_no_risk_review_due(worker, team_client):
    team_client.episodes.update(ended_on=timezone.localdate(), discharge_reason="goals_met")
    assert selectors.risk_reviews_due(user=worker) == []


# --- API -------------------------------------------------------------------------------------

API = "/api/v1/risk-assessments/"


def _api_body(client_pk, **extra):
    body = {
        "client": client_pk,
        "assessed_on": timezone.localdate().isoformat(),
        "reason": "scheduled",
        "summary": "Agreed plan for the winter.",
        "domains": [
            {"domain": "self_neglect", "known": "No heating.", "plan": "Apply for aid."},
            {"domain": "physical_health", "client_view": "My leg hurts."},
        ],
    }
    body.update(extra)
    return body


def test_api_create_and_read(api, team_client):
    response = api.post(API, _api_body(team_client.pk), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["version"] == 1 and len(data["domains"]) == 5
    assert AuditEvent.objects.filter(action="riskassessment.create").exists()
    detail = api.get(f"{API}{data['id']}/")
    assert detail.status_code == 200 and detail.json()["summary"] == "Agreed plan for the winter."
    assert AuditEvent.objects.filter(action="riskassessment.view", client=team_client).exists()
    listed = api.get(API, {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in listed] == [data["id"]]
    assert AuditEvent.objects.filter(action="riskassessment.list", client=team_client).exists()


def test_api_refuses_bad_input_without_writing(api, team_client):
    response = api.post(API, _api_body(team_client.pk, domains=[]), content_type="application/json")
    assert response.status_code == 400
    response = api.post(
        API,
        _api_body(
            team_client.pk, assessed_on=(timezone.localdate() + timedelta(days=1)).isoformat()
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not RiskAssessment.objects.exists()


def test_api_other_team_gets_404(client, outsider, team_client, worker):
    own = RiskAssessmentFactory(client=team_client, author=worker)
    client.force_login(outsider)
    assert client.get(f"{API}{own.pk}/").status_code == 404
    assert client.get(API).json()["results"] == []
    response = client.post(API, _api_body(team_client.pk), content_type="application/json")
    assert response.status_code == 404
    assert RiskAssessment.objects.count() == 1


def test_api_list_queries_do_not_grow(api, team_client, worker, django_assert_num_queries):
    def count():
        # session, user; the page of assessments (a cursor: no count), their domains; audit
        # insert; session refresh (savepoint, update, release)
        with django_assert_num_queries(8):
            assert api.get(API).status_code == 200

    RiskAssessmentFactory(client=team_client, author=worker)
    count()
    for _ in range(4):
        RiskAssessmentFactory(
            client=EpisodeFactory(client=ClientFactory(team=team_client.team)).client, author=worker
        )
    count()
