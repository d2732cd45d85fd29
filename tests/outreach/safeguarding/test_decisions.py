"""Supported decisions and guardianship: pages, services, the advance statement, timeline, API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, GuardianshipStatus, SupportedDecision, SupportPerson
from outreach.safeguarding import selectors, services
from tests.factories import ClientFactory, SupportPersonFactory, UserFactory
from tests.outreach.safeguarding.factories import SupportedDecisionFactory


@pytest.fixture
def sister(team_client):
    return SupportPersonFactory(client=team_client, name="Elena Ivanova", relation="family")


def _decision(days_ago, **extra):
    data = {
        "decided_on": days_ago(2),
        "decision": "To refuse the depot injection and try tablets first.",
        "will_and_preferences": "Fears the injection; wants to stay awake for her job.",
        "other_supporter": "",
        "followed": "pending",
    }
    data.update(extra)
    return data


# --- Pages -----------------------------------------------------------------------------------


def test_log_a_supported_decision_then_say_it_was_followed(
    post_page, client, team_client, worker, sister, days_ago
):
    response = post_page(
        "supporteddecision-create",
        _decision(days_ago, support_person=sister.pk, staff_supporter=worker.pk),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:decisions-detail", args=[team_client.pk])
    decision = SupportedDecision.objects.get(client=team_client)
    assert decision.support_person == sister and decision.author == worker
    assert AuditEvent.objects.filter(action="supporteddecision.create", client=team_client).exists()
    response = post_page(
        "supporteddecision-update",
        _decision(
            days_ago,
            support_person=sister.pk,
            followed="no",
            followed_note="The ward gave the injection anyway.",
        ),
        decision.pk,
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.followed == "no"
    update = AuditEvent.objects.get(action="supporteddecision.update")
    assert update.detail["changes"]["followed"] == {"old": "pending", "new": "no"}
    page = client.get(reverse("outreach:decisions-detail", args=[team_client.pk])).content.decode()
    assert "To refuse the depot injection" in page and "Elena Ivanova" in page
    timeline = client.get(team_client.get_absolute_url()).content.decode()
    assert "Supported decision" in timeline[timeline.index('id="timeline-h"') :]


def test_a_decision_needs_a_supporter_and_a_do_not_contact_person_is_not_offered(
    post_page, team_client, days_ago
):
    response = post_page("supporteddecision-create", _decision(days_ago))
    assert response.status_code == 400
    assert "Say who supported the client." in response.content.decode()
    banned = SupportPersonFactory(
        client=team_client, involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    response = post_page("supporteddecision-create", _decision(days_ago, support_person=banned.pk))
    assert response.status_code == 400
    assert not SupportedDecision.objects.exists()


def test_guardianship_over_time_with_the_guardian_from_the_network(
    post_page, client, team_client, sister, days_ago
):
    assert (
        post_page("guardianship-create", {"status": "none", "since": days_ago(400)}).status_code
        == 302
    )
    response = post_page("guardianship-create", {"status": "partial", "since": days_ago(30)})
    assert response.status_code == 400
    assert "Name the guardian" in response.content.decode()
    response = post_page(
        "guardianship-create",
        {
            "status": "partial",
            "since": days_ago(30),
            "guardian": sister.pk,
            "decided_by": "Sofia court",
        },
    )
    assert response.status_code == 302
    history = list(GuardianshipStatus.objects.filter(client=team_client).order_by("since"))
    assert [g.status for g in history] == ["none", "partial"]
    assert AuditEvent.objects.filter(action="guardianshipstatus.create").count() == 2
    page = client.get(reverse("outreach:decisions-detail", args=[team_client.pk])).content.decode()
    current = page.split("data-guardianship>")[1].split("</p>")[0]
    assert "Partial guardianship" in current and "Elena Ivanova" in current
    assert "Over time" in page


def test_the_same_day_twice_and_a_future_day_are_refused(post_page, team_client, days_ago):
    assert (
        post_page("guardianship-create", {"status": "none", "since": days_ago(3)}).status_code
        == 302
    )
    assert (
        post_page("guardianship-create", {"status": "none", "since": days_ago(3)}).status_code
        == 400
    )
    assert (
        post_page("guardianship-create", {"status": "none", "since": days_ago(-1)}).status_code
        == 400
    )
    assert GuardianshipStatus.objects.count() == 1


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_partners_get_404(
    role, client, users_by_role, team_client, worker, days_ago
):
    decision = SupportedDecisionFactory(client=team_client, author=worker)
    client.force_login(users_by_role[role])
    for url in [
        reverse("outreach:decisions-detail", args=[team_client.pk]),
        reverse("outreach:supporteddecision-create", args=[team_client.pk]),
        reverse("outreach:supporteddecision-update", args=[team_client.pk, decision.pk]),
        reverse("outreach:guardianship-create", args=[team_client.pk]),
    ]:
        assert client.get(url).status_code == 404
    url = reverse("outreach:supporteddecision-update", args=[team_client.pk, decision.pk])
    assert client.post(url, _decision(days_ago, other_supporter="x")).status_code == 404
    assert SupportedDecision.objects.get().other_supporter == "Peer advocate"


def test_a_decision_of_another_client_is_404_under_this_client(client, worker, team_client):
    other = SupportedDecisionFactory(client=ClientFactory(team=team_client.team), author=worker)
    client.force_login(worker)
    url = reverse("outreach:supporteddecision-update", args=[team_client.pk, other.pk])
    assert client.get(url).status_code == 404


def test_decisions_page_queries_do_not_grow(client, worker, team_client, django_assert_num_queries):
    client.force_login(worker)
    url = reverse("outreach:decisions-detail", args=[team_client.pk])

    def count():
        # session, user, client (with team, tandem, own-team check), audit insert;
        # guardianship history, decisions; session refresh (savepoint, update, release)
        with django_assert_num_queries(9):
            assert client.get(url).status_code == 200

    SupportedDecisionFactory(client=team_client, author=worker)
    count()
    SupportedDecisionFactory.create_batch(6, client=team_client, author=worker)
    count()


# --- The advance statement shows it ----------------------------------------------------------


def test_the_advance_statement_shows_guardianship_and_recent_decisions(
    client, worker, team_client, sister, origin
):
    from tests.careplans.factories import CarePlanFactory

    plan = CarePlanFactory(episode=team_client.episodes.get())
    services.guardianship_record(
        client=team_client,
        actor=worker,
        status=GuardianshipStatus(status="full", since=timezone.localdate(), guardian=sister),
        origin=origin,
    )
    SupportedDecisionFactory(client=team_client, author=worker, decision="To keep the flat.")
    client.force_login(worker)
    for url in [
        reverse("careplans:careplan-detail", args=[plan.pk]),
        reverse("careplans:advance-update", args=[plan.pk]),
    ]:
        body = client.get(url).content.decode()
        block = body.split("data-legal-capacity>")[1].split("</div>")[0]
        assert "Full guardianship" in block and "Elena Ivanova" in block
        assert "To keep the flat." in block
        assert reverse("outreach:decisions-detail", args=[team_client.pk]) in block


# --- Services --------------------------------------------------------------------------------


def test_services_refuse_outsiders_and_other_clients_people(team_client, worker, outsider, origin):
    stranger = SupportPersonFactory(client=ClientFactory(team=team_client.team))
    decision = SupportedDecision(
        decided_on=timezone.localdate(), decision="d", will_and_preferences="w", other_supporter="x"
    )
    with pytest.raises(PermissionDenied):
        services.supported_decision_save(
            client=team_client, actor=outsider, decision=decision, origin=origin
        )
    decision.support_person = stranger
    with pytest.raises(ValidationError):
        services.supported_decision_save(
            client=team_client, actor=worker, decision=decision, origin=origin
        )
    decision.support_person = None
    decision.staff_supporter = UserFactory()
    with pytest.raises(ValidationError):
        services.supported_decision_save(
            client=team_client, actor=worker, decision=decision, origin=origin
        )
    with pytest.raises(ValidationError):
        services.guardianship_record(
            client=team_client,
            actor=worker,
            status=GuardianshipStatus(status="full", since=timezone.localdate(), guardian=stranger),
            origin=origin,
        )
    assert not SupportedDecision.objects.exists() and not GuardianshipStatus.objects.exists()


def test_the_current_status_is_the_latest_in_force(team_client, worker, sister, origin):
    today = timezone.localdate()
    for status, since in [
        ("none", today - timedelta(days=900)),
        ("full", today - timedelta(days=10)),
    ]:
        services.guardianship_record(
            client=team_client,
            actor=worker,
            status=GuardianshipStatus(
                status=status, since=since, guardian=sister if status != "none" else None
            ),
            origin=origin,
        )
    history = selectors.guardianship_history(user=worker, client=team_client)
    assert selectors.current_guardianship(history).status == "full"
    assert selectors.current_guardianship(history, today - timedelta(days=20)).status == "none"


# --- API -------------------------------------------------------------------------------------


def test_api_decisions_and_guardianship(api, team_client, sister, worker):
    body = {
        "client": team_client.pk,
        "decided_on": timezone.localdate().isoformat(),
        "decision": "To open a bank account.",
        "will_and_preferences": "Her own money, her own card.",
        "support_person": sister.pk,
        "staff_supporter": worker.pk,
    }
    response = api.post("/api/v1/supported-decisions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.get(f"/api/v1/supported-decisions/{pk}/").json()["support_person"] == sister.pk
    assert AuditEvent.objects.filter(action="supporteddecision.view").exists()
    body = {
        "client": team_client.pk,
        "status": "partial",
        "since": "2025-01-10",
        "guardian": sister.pk,
    }
    response = api.post("/api/v1/guardianship-statuses/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    listed = api.get("/api/v1/guardianship-statuses/").json()["results"]
    assert [r["status"] for r in listed] == ["partial"]
    body["guardian"] = None
    response = api.post(
        "/api/v1/guardianship-statuses/",
        {**body, "since": "2025-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert GuardianshipStatus.objects.count() == 1


def test_api_other_team_gets_404(client, outsider, team_client, worker):
    decision = SupportedDecisionFactory(client=team_client, author=worker)
    client.force_login(outsider)
    assert client.get(f"/api/v1/supported-decisions/{decision.pk}/").status_code == 404
    assert client.get("/api/v1/supported-decisions/").json()["results"] == []
    body = {
        "client": team_client.pk,
        "decided_on": timezone.localdate().isoformat(),
        "decision": "x",
        "will_and_preferences": "y",
        "other_supporter": "z",
    }
    assert (
        client.post(
            "/api/v1/supported-decisions/", body, content_type="application/json"
        ).status_code
        == 404
    )
    body = {"client": team_client.pk, "status": "none", "since": "2025-01-10"}
    assert (
        client.post(
            "/api/v1/guardianship-statuses/", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert SupportedDecision.objects.count() == 1 and not GuardianshipStatus.objects.exists()


def test_api_decision_list_queries_do_not_grow(api, team_client, worker, django_assert_num_queries):
    def count():
        # session, user; the page (a cursor: no count); audit insert; session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(7):
            assert api.get("/api/v1/supported-decisions/").status_code == 200

    SupportedDecisionFactory(client=team_client, author=worker)
    count()
    SupportedDecisionFactory.create_batch(5, client=team_client, author=worker)
    count()
