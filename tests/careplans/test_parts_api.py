"""A care plan's parts through the API: the plan pages' access, forms, services and versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import (
    Action,
    AdvanceStatement,
    ClientResponse,
    Goal,
    PlanReview,
    PlanSignoff,
)
from outreach.models import AuditEvent
from tests.factories import ClientFactory, EpisodeFactory, SupportPersonFactory


def _goal(plan, worker, origin):
    return services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=plan.version,
        domain="housing",
        in_their_words="a room",
        origin=origin,
    )


def _action(plan, worker, origin):
    goal = _goal(plan, worker, origin)
    plan.refresh_from_db()
    return services.action_add(
        goal=goal,
        author=worker,
        expected_version=plan.version,
        what="visit the office",
        who="client",
        origin=origin,
    )


def _advance(plan, worker, origin):
    return services.advance_statement_save(
        careplan=plan, author=worker, expected_version=plan.version, early_signs="x", origin=origin
    )


def _signoff(plan, worker, origin):
    return services.careplan_sign(
        careplan=plan, user=worker, plan_version=plan.version, origin=origin
    )


def _response(plan, worker, origin):
    return services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=plan.version,
        answer="agree",
        in_their_words="",
        responded_on=timezone.localdate(),
        origin=origin,
    )


def _review(plan, worker, origin):
    return PlanReview.objects.create(
        careplan=plan,
        month=3,
        held_on=timezone.localdate(),
        what_changed="x",
        plan_version=plan.version,
        recorded_by=worker,
    )


READS = {
    "goals": ("goal", _goal),
    "plan-actions": ("action", _action),
    "advance-statements": ("advancestatement", _advance),
    "plan-signoffs": ("plansignoff", _signoff),
    "plan-responses": ("clientresponse", _response),
    "plan-reviews": ("planreview", _review),
}


def _plan_of_new_client(team, tandem, worker, origin):
    other = ClientFactory(team=team, tandem=tandem)
    episode = EpisodeFactory(client=other)
    return services.careplan_create(episode=episode, author=worker, origin=origin)


def _post(client, url, data):
    return client.post(f"/api/v1/{url}", data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(f"/api/v1/{url}", data, content_type="application/json")


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_roles_see_nothing(url, role, client, users_by_role, plan, worker, origin):
    entity, make = READS[url]
    row = make(plan, worker, origin)
    client.force_login(users_by_role[role])
    assert client.get(f"/api/v1/{url}/").json()["results"] == []
    assert client.get(f"/api/v1/{url}/{row.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action__in=[f"{entity}.list", f"{entity}.view"]).exists()


@pytest.mark.parametrize("url", READS)
def test_reads_are_audited_and_filtered(url, api, plan, worker, origin, team, tandem, team_client):
    entity, make = READS[url]
    row = make(plan, worker, origin)
    other_plan = _plan_of_new_client(team, tandem, worker, origin)
    make(other_plan, worker, origin)
    assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 2
    assert set(
        AuditEvent.objects.filter(action=f"{entity}.list").values_list("client_id", flat=True)
    ) == {team_client.pk, other_plan.episode.client_id}
    only = api.get(f"/api/v1/{url}/", {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in only] == [row.pk]
    assert api.get(f"/api/v1/{url}/{row.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action=f"{entity}.view", object_id=str(row.pk)).exists()


@pytest.mark.parametrize("url", READS)
def test_updated_since(url, api, plan, worker, origin):
    _, make = READS[url]
    row = make(plan, worker, origin)
    old = timezone.now() - timedelta(days=4)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    now = timezone.now().isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": now}).json()["results"] == []
    since = (old - timedelta(seconds=1)).isoformat()
    found = api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in found] == [row.pk]


# session, user, the page of rows (joined), [prefetch], the audit INSERT, the session save
# (savepoint, update, release)
LIST_QUERIES = {"advance-statements": 8}


@pytest.mark.parametrize("url", READS)
def test_list_queries_do_not_grow(
    url, api, plan, worker, origin, team, tandem, django_assert_num_queries
):
    _, make = READS[url]
    make(plan, worker, origin)
    with django_assert_num_queries(LIST_QUERIES.get(url, 7)):
        api.get(f"/api/v1/{url}/")
    for _ in range(3):
        make(_plan_of_new_client(team, tandem, worker, origin), worker, origin)
    with django_assert_num_queries(LIST_QUERIES.get(url, 7)):
        assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 4


def test_goal_create_change_and_stale_version(api, plan, worker):
    body = {"careplan": plan.pk, "version": 1, "domain": "housing", "in_their_words": "a room"}
    assert "status" in _post(api, "goals/", {**body, "status": "finished?"}).json()
    assert "in_their_words" in _post(api, "goals/", {**body, "in_their_words": ""}).json()
    response = _post(api, "goals/", {**body, "status": "open"})
    assert response.status_code == 201, response.content
    goal = Goal.objects.get()
    plan.refresh_from_db()
    assert plan.version == 2
    assert AuditEvent.objects.filter(action="goal.create", actor=worker).exists()
    stale = _patch(api, f"goals/{goal.pk}/", {"version": 1, "status": "achieved"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    goal.refresh_from_db()
    assert goal.status == "open"
    response = _patch(api, f"goals/{goal.pk}/", {"version": 2, "status": "achieved"})
    assert response.status_code == 200 and response.json()["status"] == "achieved"
    assert response.json()["in_their_words"] == "a room"


def test_a_team_member_outside_the_tandem_may_not_edit(client, plan, team):
    from outreach.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.PROFESSIONAL, teams=[team])
    client.force_login(colleague)
    body = {"careplan": plan.pk, "version": 1, "domain": "housing", "in_their_words": "x"}
    assert _post(client, "goals/", {**body, "status": "open"}).status_code == 403
    assert _post(client, "goals/", {"careplan": plan.pk}).status_code == 403  # before the form
    assert not Goal.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_writes_to_another_teams_plan_are_404(role, client, users_by_role, plan, worker, origin):
    action = _action(plan, worker, origin)
    plan.refresh_from_db()
    client.force_login(users_by_role[role])
    body = {"version": plan.version, "domain": "housing", "in_their_words": "x", "status": "open"}
    assert _post(client, "goals/", {"careplan": plan.pk, **body}).status_code == 404
    assert _patch(client, f"goals/{action.goal_id}/", body).status_code == 404
    assert _post(client, f"plan-actions/{action.pk}/done/", {}).status_code == 404
    assert _post(client, "plan-signoffs/", {"careplan": plan.pk, "version": 1}).status_code == 404
    assert Goal.objects.count() == 1 and Action.objects.get().done_on is None


def test_action_add_change_and_done(api, plan, worker, peer, origin):
    goal = _goal(plan, worker, origin)
    body = {"goal": goal.pk, "version": 2, "what": "call", "who": "tandem", "staff": peer.pk}
    before = (timezone.localdate() - timedelta(days=400)).isoformat()
    response = _post(api, "plan-actions/", {**body, "due_on": before})
    assert response.status_code == 400 and "due_on" in response.json()
    response = _post(api, "plan-actions/", body)
    assert response.status_code == 201, response.content
    action = Action.objects.get()
    assert action.staff == peer and response.json()["careplan"] == plan.pk
    response = _patch(api, f"plan-actions/{action.pk}/", {"version": 3, "what": "call twice"})
    assert response.status_code == 200 and response.json()["what"] == "call twice"
    response = _post(api, f"plan-actions/{action.pk}/done/", {})
    assert response.status_code == 200 and response.json()["done_on"] == str(timezone.localdate())
    assert _post(api, f"plan-actions/{action.pk}/done/", {}).status_code == 400
    assert AuditEvent.objects.filter(action="action.done", object_id=str(action.pk)).exists()


def test_advance_statement_never_lists_a_do_not_contact_person(api, plan, team_client):
    barred = SupportPersonFactory(client=team_client, involvement="do_not_contact")
    friend = SupportPersonFactory(client=team_client)
    body = {"careplan": plan.pk, "version": 1, "early_signs": "no sleep"}
    response = _post(api, "advance-statements/", {**body, "crisis_contacts": [barred.pk]})
    assert response.status_code == 400 and "crisis_contacts" in response.json()
    assert not AdvanceStatement.objects.exists()
    response = _post(api, "advance-statements/", {**body, "crisis_contacts": [friend.pk]})
    assert response.status_code == 201, response.content
    statement = AdvanceStatement.objects.get()
    assert response.json()["crisis_contacts"] == [friend.pk]
    assert _post(api, "advance-statements/", {**body, "version": 2}).status_code == 400
    response = _patch(
        api, f"advance-statements/{statement.pk}/", {"version": 2, "legally_binding": True}
    )
    assert response.status_code == 200, response.content
    statement.refresh_from_db()
    assert statement.legally_binding and statement.early_signs == "no sleep"
    assert list(statement.crisis_contacts.all()) == [friend]


def test_signoff_by_the_tandem_only_and_the_clients_answer(api, client, plan, supervisor, worker):
    response = _post(api, "plan-signoffs/", {"careplan": plan.pk, "version": 1})
    assert response.status_code == 201 and PlanSignoff.objects.get().user == worker
    assert _post(api, "plan-signoffs/", {"careplan": plan.pk, "version": 7}).status_code == 409
    response = _post(
        api, "plan-responses/", {"careplan": plan.pk, "version": 1, "answer": "disagree"}
    )
    assert response.status_code == 400 and "in_their_words" in response.json()
    body = {"careplan": plan.pk, "version": 1, "answer": "disagree", "in_their_words": "too fast"}
    assert _post(api, "plan-responses/", body).status_code == 201
    assert ClientResponse.objects.get().in_their_words == "too fast"
    client.force_login(supervisor)
    assert _post(client, "plan-signoffs/", {"careplan": plan.pk, "version": 1}).status_code == 403
    assert PlanSignoff.objects.count() == 1


def test_review_after_the_first_agreement(api, plan, worker, peer, origin):
    goal = _goal(plan, worker, origin)
    body = {"careplan": plan.pk, "version": 2, "what_changed": "moved in"}
    response = _post(api, "plan-reviews/", body)
    assert response.status_code == 400 and not PlanReview.objects.exists()  # not agreed yet
    plan.refresh_from_db()
    for member in (worker, peer):
        _signoff(plan, member, origin)
    _response(plan, worker, origin)
    bad = {**body, "goal_statuses": {"999999": "achieved"}}
    assert "goal_statuses" in _post(api, "plan-reviews/", bad).json()
    response = _post(api, "plan-reviews/", {**body, "goal_statuses": {str(goal.pk): "achieved"}})
    assert response.status_code == 201, response.content
    goal.refresh_from_db()
    assert goal.status == "achieved" and PlanReview.objects.get().month == 3
    assert AuditEvent.objects.filter(action="planreview.create", actor=worker).exists()
