"""Planned visits through the API: the visit pages' forms, services, access and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Contact, PlannedVisit
from outreach.visits import services
from tests import db_state
from tests.factories import ClientFactory

URL = "/api/v1/planned-visits/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(team_client, worker, peer, origin, today):
    def make(days=0, *, client=None):
        return services.visit_plan(
            client=client or team_client,
            actor=worker,
            planned_on=today + timedelta(days=days),
            planned_time=None,
            staff=[worker, peer],
            purpose="Bring the benefits form",
            origin=origin,
        )

    return make


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


def _post(api, url, body):
    return api.post(url, body, content_type="application/json")


def test_a_visit_is_planned_through_the_pages_form_and_service(api, worker, peer, team_client):
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    body = {
        "client": team_client.pk,
        "planned_on": day,
        "planned_time": "10:30",
        "staff": [worker.pk, peer.pk],
        "purpose": "Bring the benefits form",
    }
    response = _post(api, URL, body)
    assert response.status_code == 201, response.content
    visit = PlannedVisit.objects.get()
    out = response.json()
    assert (
        out["id"] == visit.pk and out["status"] == "planned" and out["planned_time"] == "10:30:00"
    )
    assert sorted(out["staff"]) == sorted([worker.pk, peer.pk]) and visit.created_by == worker
    event = AuditEvent.objects.get(action="plannedvisit.create")
    assert event.client_id == team_client.pk and event.object_id == str(visit.pk)


def test_a_visit_in_the_past_gives_the_pages_field_and_message(api, worker, team_client, today):
    body = {
        "client": team_client.pk,
        "planned_on": (today - timedelta(days=1)).isoformat(),
        "staff": [worker.pk],
        "purpose": "x",
    }
    page = api.post(reverse("outreach:visit-create"), body)
    assert page.status_code == 400
    with db_state.unchanged():
        response = _post(api, URL, body)
    assert response.status_code == 400
    assert response.json()["planned_on"] == page.context["form"].errors["planned_on"]
    assert not AuditEvent.objects.filter(action="plannedvisit.create").exists()


def test_who_goes_must_be_of_the_teams_staff(api, outsider, team_client, today):
    body = {
        "client": team_client.pk,
        "planned_on": today.isoformat(),
        "staff": [outsider.pk],
        "purpose": "x",
    }
    page = api.post(reverse("outreach:visit-create"), body)
    response = _post(api, URL, body)
    assert response.status_code == 400
    assert response.json()["staff"] == page.context["form"].errors["staff"]
    assert not PlannedVisit.objects.exists()


def test_lists_are_audited_filtered_and_newest_first(api, plan, team, team_client, tandem):
    first = plan(1)
    other = ClientFactory(team=team, tandem=tandem)
    second = plan(2, client=other)
    results = api.get(URL).json()["results"]
    assert [r["id"] for r in results] == [second.pk, first.pk]
    assert set(
        AuditEvent.objects.filter(action="plannedvisit.list").values_list("client_id", flat=True)
    ) == {team_client.pk, other.pk}
    only = api.get(URL, {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in only] == [first.pk]
    assert api.get(URL, {"status": "missed"}).json()["results"] == []
    assert api.get(f"{URL}{first.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="plannedvisit.view", object_id=str(first.pk)).exists()


def test_updated_since(api, plan):
    visit = plan(1)
    old = timezone.now() - timedelta(days=4)
    PlannedVisit.objects.filter(pk=visit.pk).update(updated_at=old)
    assert api.get(URL, {"updated_since": timezone.now().isoformat()}).json()["results"] == []
    since = (old - timedelta(seconds=1)).isoformat()
    assert [r["id"] for r in api.get(URL, {"updated_since": since}).json()["results"]] == [visit.pk]


def test_list_queries_do_not_grow(api, plan, team, tandem, django_assert_num_queries):
    plan(1)
    # session, user, the page, the staff (prefetch), the audit INSERT, the session save (3)
    with django_assert_num_queries(8):
        api.get(URL)
    for n in range(3):
        plan(n, client=ClientFactory(team=team, tandem=tandem))
    with django_assert_num_queries(8):
        assert len(api.get(URL).json()["results"]) == 4


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_another_team_sees_nothing_and_writes_nothing(
    role, client, users_by_role, plan, worker, team_client, today
):
    visit = plan(1)
    client.force_login(users_by_role[role])
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{visit.pk}/").status_code == 404
    body = {
        "client": team_client.pk,
        "planned_on": today.isoformat(),
        "staff": [worker.pk],
        "purpose": "x",
    }
    with db_state.unchanged():
        assert _post(client, URL, body).status_code == 404
        assert _post(client, f"{URL}{visit.pk}/missed/", {"missed_reason": "x"}).status_code == 404
        assert _post(client, f"{URL}{visit.pk}/contact/", {}).status_code == 404
    assert not AuditEvent.objects.filter(
        action__in=["plannedvisit.list", "plannedvisit.view"]
    ).exists()


def test_a_visit_is_marked_missed_with_its_reason_once(api, plan):
    visit = plan(0)
    response = _post(api, f"{URL}{visit.pk}/missed/", {"missed_reason": ""})
    assert response.status_code == 400 and "missed_reason" in response.json()
    response = _post(api, f"{URL}{visit.pk}/missed/", {"missed_reason": "Not at home"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "missed"
    visit.refresh_from_db()
    assert visit.missed_reason == "Not at home"
    assert AuditEvent.objects.filter(action="plannedvisit.missed", object_id=str(visit.pk)).exists()
    again = _post(api, f"{URL}{visit.pk}/missed/", {"missed_reason": "again"})
    assert (
        again.status_code == 400 and "already marked missed" in again.json()["non_field_errors"][0]
    )


def test_the_visits_contact_is_logged_and_the_visit_done(api, plan, worker, team_client):
    visit = plan(0)
    started = (timezone.now() - timedelta(hours=1)).isoformat()
    body = {
        "started_at": started,
        "duration_minutes": 45,
        "mode": "face_to_face",
        "outcome": "met",
        "staff": [worker.pk],
        # A body that names another client logs the visit's client all the same.
        "client": ClientFactory().pk,
    }
    response = _post(api, f"{URL}{visit.pk}/contact/", body)
    assert response.status_code == 200, response.content
    contact = Contact.objects.get()
    assert contact.client == team_client and response.json()["contact"] == contact.pk
    assert response.json()["status"] == "done"
    assert AuditEvent.objects.filter(action="plannedvisit.done", object_id=str(visit.pk)).exists()
    assert AuditEvent.objects.filter(action="contact.create", client=team_client).exists()


def test_a_bad_contact_leaves_the_visit_planned(api, plan):
    visit = plan(0)
    with db_state.unchanged():
        response = _post(api, f"{URL}{visit.pk}/contact/", {"duration_minutes": 45})
    assert response.status_code == 400 and "started_at" in response.json()
    visit.refresh_from_db()
    assert visit.status == "planned"


def _patch(api, url, body):
    return api.patch(url, body, content_type="application/json")


def test_a_visit_is_moved_through_the_pages_rules_and_audited(api, plan, worker, today):
    visit = plan(1)
    later = (today + timedelta(days=3)).isoformat()
    response = _patch(api, f"{URL}{visit.pk}/", {"planned_on": later, "planned_time": "09:15"})
    assert response.status_code == 200, response.content
    out = response.json()
    # What the body left out keeps its value.
    assert out["planned_on"] == later and out["planned_time"] == "09:15:00"
    assert out["purpose"] == "Bring the benefits form" and len(out["staff"]) == 2
    event = AuditEvent.objects.get(action="plannedvisit.update", object_id=str(visit.pk))
    assert event.detail["after"]["planned_on"] == later
    # A day in the past is refused with the page's message, and nothing changes.
    past = (today - timedelta(days=1)).isoformat()
    page = api.post(
        reverse("outreach:visit-edit", args=[visit.pk]),
        {"planned_on": past, "staff": [worker.pk], "purpose": "x"},
    )
    with db_state.unchanged():
        response = _patch(api, f"{URL}{visit.pk}/", {"planned_on": past})
    assert response.status_code == 400
    assert response.json()["planned_on"] == page.context["form"].errors["planned_on"]


def test_a_visit_is_cancelled_once_and_then_cannot_be_changed(api, plan, today):
    visit = plan(1)
    response = _post(api, f"{URL}{visit.pk}/cancel/", {"cancel_reason": "In hospital"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "In hospital"
    assert AuditEvent.objects.filter(action="plannedvisit.cancel", object_id=str(visit.pk)).exists()
    with db_state.unchanged():
        again = _post(api, f"{URL}{visit.pk}/cancel/", {})
        moved = _patch(api, f"{URL}{visit.pk}/", {"planned_on": today.isoformat()})
    assert again.status_code == 400 and again.json()["non_field_errors"]
    assert moved.status_code == 400 and moved.json()["non_field_errors"]


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_another_team_cannot_move_or_cancel_a_visit(role, client, users_by_role, plan, today):
    visit = plan(1)
    client.force_login(users_by_role[role])
    with db_state.unchanged():
        assert _patch(client, f"{URL}{visit.pk}/", {"purpose": "x"}).status_code == 404
        assert _post(client, f"{URL}{visit.pk}/cancel/", {}).status_code == 404
