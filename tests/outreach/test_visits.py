"""Planned visits: plan, log as a contact in one tap, mark missed; access, audit, queries."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Contact, PlannedVisit
from outreach.visits import selectors, services
from tests.factories import ClientFactory, EpisodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(team_client, worker, peer, origin, today):
    def make(days=0, *, client=None, staff=None, purpose="Bring the benefits form", at=None):
        return services.visit_plan(
            client=client or team_client,
            actor=worker,
            planned_on=today + timedelta(days=days),
            planned_time=at,
            staff=staff or [worker, peer],
            purpose=purpose,
            origin=origin,
        )

    return make


# --- Services --------------------------------------------------------------------------------


def test_a_visit_is_planned_and_audited(plan, worker, peer, team_client, today):
    visit = plan(2, at=time(10, 30))
    assert visit.status == PlannedVisit.Status.PLANNED
    assert set(visit.staff.all()) == {worker, peer}
    event = AuditEvent.objects.get(action="plannedvisit.create")
    assert event.client_id == team_client.pk and event.actor == worker
    assert event.detail["planned_on"] == (today + timedelta(days=2)).isoformat()


def test_a_visit_in_the_past_is_refused(plan):
    with pytest.raises(ValidationError) as exc:
        plan(-1)
    assert "planned_on" in exc.value.error_dict
    assert not PlannedVisit.objects.exists()


def test_a_visit_too_far_ahead_is_refused(plan):
    with pytest.raises(ValidationError):
        plan(services.PLAN_AHEAD_DAYS + 1)
    assert not PlannedVisit.objects.exists()


def test_who_goes_must_be_of_the_clients_team(plan, outsider):
    with pytest.raises(ValidationError) as exc:
        plan(staff=[outsider])
    assert "staff" in exc.value.error_dict
    assert not PlannedVisit.objects.exists()


def test_a_visit_needs_a_purpose(plan):
    with pytest.raises(ValidationError):
        plan(purpose="  ")
    assert not PlannedVisit.objects.exists()


def test_another_team_cannot_plan_a_visit(team_client, outsider, origin, today):
    with pytest.raises(PermissionDenied):
        services.visit_plan(
            client=team_client,
            actor=outsider,
            planned_on=today,
            planned_time=None,
            staff=[outsider],
            purpose="x",
            origin=origin,
        )


def _contact_fields(**extra):
    return {
        "started_at": timezone.now() - timedelta(minutes=5),
        "duration_minutes": 40,
        "mode": Contact.Mode.FACE_TO_FACE,
        "outcome": Contact.Outcome.MET,
        "location": Contact.Location.CLIENT_HOME,
        **extra,
    }


def test_logging_the_contact_links_it_and_closes_the_visit(plan, worker, origin):
    visit = plan()
    contact = services.visit_log_contact(
        visit=visit, author=worker, origin=origin, staff=[worker], **_contact_fields()
    )
    visit.refresh_from_db()
    assert visit.status == PlannedVisit.Status.DONE
    assert visit.contact == contact and visit.closed_by == worker
    assert contact.duration_minutes == 40
    assert AuditEvent.objects.filter(action="plannedvisit.done", object_id=str(visit.pk)).exists()
    assert AuditEvent.objects.filter(action="contact.create", object_id=str(contact.pk)).exists()


def test_a_closed_visit_cannot_be_logged_twice(plan, worker, origin):
    visit = plan()
    services.visit_log_contact(visit=visit, author=worker, origin=origin, **_contact_fields())
    with pytest.raises(ValidationError):
        services.visit_log_contact(visit=visit, author=worker, origin=origin, **_contact_fields())
    assert Contact.objects.count() == 1


def test_a_bad_contact_leaves_the_visit_planned(plan, worker, origin):
    visit = plan()
    with pytest.raises(ValidationError):
        services.visit_log_contact(
            visit=visit,
            author=worker,
            origin=origin,
            **_contact_fields(started_at=timezone.now() + timedelta(days=1)),
        )
    visit.refresh_from_db()
    assert visit.status == PlannedVisit.Status.PLANNED and visit.contact is None
    assert not Contact.objects.exists()


def test_a_missed_visit_needs_a_reason(plan, worker, origin):
    visit = plan()
    with pytest.raises(ValidationError):
        services.visit_mark_missed(visit=visit, actor=worker, reason=" ", origin=origin)
    visit.refresh_from_db()
    assert visit.status == PlannedVisit.Status.PLANNED
    services.visit_mark_missed(visit=visit, actor=worker, reason="Not at home", origin=origin)
    visit.refresh_from_db()
    assert visit.status == PlannedVisit.Status.MISSED and visit.missed_reason == "Not at home"
    event = AuditEvent.objects.get(action="plannedvisit.missed")
    assert "Not at home" not in str(event.detail)


def test_the_week_holds_the_visits_of_its_days(plan, worker, today):
    visit = plan(0)
    days = selectors.visit_week(user=worker, start=selectors.week_start(today), mine=True)
    assert len(days) == 7 and days[0].day.weekday() == 0
    assert [v.pk for d in days for v in d.visits] == [visit.pk]


# --- Pages -----------------------------------------------------------------------------------


def test_the_worker_plans_a_visit_through_the_page(client, worker, peer, team_client, today):
    client.force_login(worker)
    url = reverse("outreach:visit-create") + f"?client={team_client.pk}"
    page = client.get(url)
    assert page.status_code == 200
    # The client's tandem goes by default.
    assert set(page.context["form"].initial["staff"]) == {worker.pk, peer.pk}
    response = client.post(
        url,
        {
            "client": team_client.pk,
            "planned_on": (today + timedelta(days=1)).isoformat(),
            "planned_time": "14:00",
            "staff": [worker.pk, peer.pk],
            "purpose": "Walk to the GP",
        },
    )
    assert response.status_code == 302
    visit = PlannedVisit.objects.get()
    assert visit.planned_time == time(14, 0) and visit.purpose == "Walk to the GP"
    week = client.get(response["Location"])
    assert "Walk to the GP" in week.content.decode()


def test_a_bad_plan_shows_a_clear_message_and_saves_nothing(client, worker, team_client, today):
    client.force_login(worker)
    response = client.post(
        reverse("outreach:visit-create"),
        {
            "client": team_client.pk,
            "planned_on": (today - timedelta(days=1)).isoformat(),
            "staff": [worker.pk],
            "purpose": "x",
        },
    )
    assert response.status_code == 400
    assert "today or a later day" in response.content.decode()
    assert not PlannedVisit.objects.exists()


def test_the_contact_form_is_filled_from_the_visit(client, worker, peer, plan):
    visit = plan(purpose="Check in after the stay")
    client.force_login(worker)
    response = client.get(reverse("outreach:visit-contact", args=[visit.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.initial["staff"]) == {worker.pk, peer.pk}
    assert form.initial["note"] == "Check in after the stay"
    assert form.initial["started_at"] <= timezone.now()
    assert AuditEvent.objects.filter(action="plannedvisit.view").exists()


def test_a_planned_visit_becomes_a_contact_in_one_tap(client, worker, peer, plan, team_client):
    visit = plan()
    client.force_login(worker)
    url = reverse("outreach:visit-contact", args=[visit.pk])
    initial = client.get(url).context["form"].initial
    response = client.post(
        url,
        {
            "started_at": initial["started_at"].strftime("%Y-%m-%dT%H:%M"),
            "mode": "face_to_face",
            "outcome": "met",
            "location": "client_home",
            "duration_minutes": 45,
            "staff": initial["staff"],
            "note": initial["note"],
        },
    )
    assert response.status_code == 302 and response["Location"] == team_client.get_absolute_url()
    visit.refresh_from_db()
    assert visit.status == "done" and visit.contact.duration_minutes == 45
    assert set(visit.contact.staff.all()) == {worker, peer}
    # Opening it again leads back to the client: the visit is closed.
    again = client.get(url)
    assert again.status_code == 302


def test_a_visit_is_marked_missed_through_the_page(client, worker, plan):
    visit = plan()
    client.force_login(worker)
    url = reverse("outreach:visit-missed", args=[visit.pk])
    assert client.post(url, {"missed_reason": ""}).status_code == 400
    assert client.post(url, {"missed_reason": "Moved to his sister's"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "missed"


def test_another_team_gets_404_for_a_visit(client, outsider, plan):
    visit = plan()
    client.force_login(outsider)
    for name in ("outreach:visit-contact", "outreach:visit-missed"):
        assert client.get(reverse(name, args=[visit.pk])).status_code == 404
        assert (
            client.post(reverse(name, args=[visit.pk]), {"missed_reason": "x"}).status_code == 404
        )
    week = client.get(reverse("outreach:visit-week") + "?scope=team")
    assert visit.purpose not in week.content.decode()
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_an_outsider_cannot_plan_for_the_team(client, outsider, team_client, today):
    client.force_login(outsider)
    assert (
        client.get(reverse("outreach:visit-create") + f"?client={team_client.pk}").status_code
        == 404
    )
    response = client.post(
        reverse("outreach:visit-create"),
        {
            "client": team_client.pk,
            "planned_on": today.isoformat(),
            "staff": [outsider.pk],
            "purpose": "x",
        },
    )
    assert response.status_code == 400
    assert not PlannedVisit.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin", "dpo"])
def test_roles_without_clients_have_no_plan(role, client, users_by_role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("outreach:visit-week")).status_code == 404
    assert client.get(reverse("outreach:visit-create")).status_code == 404


def test_the_week_page_is_audited_per_client(client, worker, plan, team_client):
    plan(0)
    client.force_login(worker)
    response = client.get(reverse("outreach:visit-week"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="plannedvisit.list", client=team_client).count() == 1


@pytest.mark.parametrize("n", [1, 10])
def test_the_week_page_queries_do_not_grow(
    n, client, worker, peer, tandem, team, origin, today, django_assert_num_queries
):
    for i in range(n):
        c = ClientFactory(team=team, tandem=tandem)
        EpisodeFactory(client=c, tandem=tandem)
        services.visit_plan(
            client=c,
            actor=worker,
            planned_on=today,
            planned_time=None,
            staff=[worker, peer, UserFactory(teams=[team])],
            purpose=f"p{i}",
            origin=origin,
        )
    client.force_login(worker)
    # session, user, visits (+client, contact), their staff, audit insert, session save
    # (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("outreach:visit-week"))
    assert response.context["count"] == n


def test_the_caseload_shows_the_next_visit(client, worker, plan, team_client, today):
    plan(3)
    plan(1, purpose="sooner")
    client.force_login(worker)
    response = client.get(reverse("outreach:caseload"))
    row = next(c for c, _flag in response.context["rows"] if c.pk == team_client.pk)
    assert row.next_visit_on == today + timedelta(days=1)
