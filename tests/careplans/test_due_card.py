"""The due/overdue card that the worker's caseload loads from careplans by htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import AuditEvent
from tests.caseload_fixtures import calm_client, noon, second_tandem, today
from tests.outreach.caserecord.factories import CoerciveMeasureFactory

__all__ = ["calm_client", "noon", "second_tandem", "today"]  # fixtures used here

URL = "/careplans/due/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def card_clients(tandem, second_tandem, calm_client, noon):
    """Clients of my tandem with a review, an assessment and a debrief late; one of another tandem."""
    mine_review = calm_client("Reviewlate", tandem=tandem, plan=False)
    mine_assess = calm_client("Assesslate", tandem=tandem, assessed=False, started_days_ago=20)
    mine_debrief = calm_client("Debrieflate", tandem=tandem)
    CoerciveMeasureFactory(client=mine_debrief, started_at=noon(29))
    calm = calm_client("Calm", tandem=tandem)
    CoerciveMeasureFactory(client=calm, started_at=noon(14))  # debrief due today: not overdue
    theirs = calm_client("Othertandem", tandem=second_tandem, plan=False)
    return {
        "review": mine_review,
        "assessment": mine_assess,
        "debrief": mine_debrief,
        "calm": calm,
        "theirs": theirs,
    }


def test_url_is_named():
    assert reverse("careplans:due-card") == URL


def test_card_lists_my_tandems_due_items_with_links(client, worker, card_clients):
    client.force_login(worker)
    response = client.get(URL, {"scope": "mine"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Test Reviewlate" in body and "First plan" in body
    assert reverse("careplans:client-plan", args=[card_clients["review"].pk]) in body
    assert "Test Assesslate" in body
    assert reverse("careplans:assessment-create", args=[card_clients["assessment"].pk]) in body
    assert "Test Debrieflate" in body
    measure = card_clients["debrief"].coercive_measures.get()
    assert reverse("outreach:debrief-update", args=[card_clients["debrief"].pk, measure.pk]) in body
    assert "Calm" not in body
    assert "Othertandem" not in body


def test_team_scope_shows_the_other_tandems_clients(client, worker, card_clients):
    client.force_login(worker)
    body = client.get(URL, {"scope": "team"}, headers=HTMX).content.decode()
    assert "Test Othertandem" in body
    assert "Calm" not in body


def test_supervisor_defaults_to_the_team(client, supervisor, card_clients):
    client.force_login(supervisor)
    body = client.get(URL, headers=HTMX).content.decode()
    assert "Test Othertandem" in body and "Test Reviewlate" in body


def test_without_htmx_the_card_is_a_page(client, worker, card_clients):
    client.force_login(worker)
    body = client.get(URL, {"scope": "mine"}).content.decode()
    assert "<html" in body and "Test Reviewlate" in body


def test_nothing_due_says_so(client, worker, tandem, calm_client):
    calm_client("Calm", tandem=tandem)
    client.force_login(worker)
    body = client.get(URL, headers=HTMX).content.decode()
    assert "No plan review, assessment or debrief is due." in body


def test_the_read_is_audited_per_client_listed(client, worker, card_clients):
    client.force_login(worker)
    client.get(URL, {"scope": "mine"}, headers=HTMX)
    audited = set(
        AuditEvent.objects.filter(action="careplan.due_card.view", actor=worker).values_list(
            "client_id", flat=True
        )
    )
    assert audited == {card_clients[k].pk for k in ("review", "assessment", "debrief")}


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin"])
def test_roles_without_client_records_get_404(role, client, users_by_role, card_clients):
    client.force_login(users_by_role[role])
    assert client.get(URL).status_code == 404


def test_other_team_sees_none_of_the_team(client, outsider, outside_supervisor, card_clients):
    for user in (outsider, outside_supervisor):
        client.force_login(user)
        body = client.get(URL, {"scope": "team"}, headers=HTMX).content.decode()
        assert "Test" not in body


def test_caseload_page_loads_the_card(client, worker, card_clients):
    client.force_login(worker)
    body = client.get("/caseload/").content.decode()
    assert f'hx-get="{URL}?scope=mine"' in body
    assert f'href="{URL}?scope=mine"' in body
    team_body = client.get("/caseload/", {"scope": "team"}).content.decode()
    assert f'hx-get="{URL}?scope=team"' in team_body


def _late(n, calm_client, tandem, noon):
    for i in range(n):
        c = calm_client(f"Many{i}", tandem=tandem, plan=True, assessed=False, started_days_ago=100)
        CoerciveMeasureFactory(client=c, started_at=noon(29))


# session, user, review clock: open episodes, plans, agreements, reviews; instruments in use,
# clients with their open episode, assessments done; overdue debriefs; audit insert;
# session refresh (savepoint, update, release)
CARD_QUERIES = 14


@pytest.mark.parametrize("n", [1, 30])
def test_card_query_count_does_not_grow(
    n, client, worker, tandem, calm_client, noon, django_assert_num_queries
):
    _late(n, calm_client, tandem, noon)
    client.force_login(worker)
    with django_assert_num_queries(CARD_QUERIES):
        response = client.get(URL, {"scope": "mine"}, headers=HTMX)
    assert len(response.context["reviews"]) == n
    assert len(response.context["debriefs"]) == n
    assert len(response.context["assessments"]) == n


def test_card_shows_the_oldest_eight_and_links_to_the_rest(client, worker, tandem, calm_client):
    for i in range(10):
        calm_client(f"Late{i:02d}", tandem=tandem, plan=False, started_days_ago=20 + i)
    client.force_login(worker)
    body = client.get(URL, {"scope": "mine"}, headers=HTMX).content.decode()
    # The longest overdue first plans (started earliest) come first.
    assert "Test Late09" in body and "Test Late02" in body
    assert "Test Late01" not in body and "Test Late00" not in body
    assert "Show 2 more clients" in body
    assert AuditEvent.objects.filter(action="careplan.due_card.view").count() == 8
    page = client.get(URL, {"scope": "mine"}).content.decode()
    assert "Test Late00" in page and "more client" not in page
