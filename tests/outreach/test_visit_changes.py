"""Planned visits changed (day, time, who, purpose) or cancelled: services and pages, access,
audit, what My work, the week and the client page show after."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.mywork import selectors as mywork
from outreach.models import AuditEvent, Contact, PlannedVisit
from outreach.visits import selectors, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(team_client, worker, peer, origin, today):
    def make(days=0, *, staff=None, purpose="Bring the benefits form", at=None):
        return services.visit_plan(
            client=team_client,
            actor=worker,
            planned_on=today + timedelta(days=days),
            planned_time=at,
            staff=staff or [worker, peer],
            purpose=purpose,
            origin=origin,
        )

    return make


def _visits_on_my_work(user, today) -> int:
    scope = mywork.work_scope(user=user, tandems=mywork.worker_tandems(user), own=True, today=today)
    return [i.kind for i in mywork.my_work(scope).items].count("visit")


def _edit(visit, actor, origin, today, **changes):
    fields = {
        "planned_on": visit.planned_on,
        "planned_time": visit.planned_time,
        "staff": list(visit.staff.all()),
        "purpose": visit.purpose,
        **changes,
    }
    return services.visit_edit(visit=visit, actor=actor, origin=origin, today=today, **fields)


def _contact_fields():
    return {
        "started_at": timezone.now() - timedelta(minutes=5),
        "duration_minutes": 40,
        "mode": Contact.Mode.FACE_TO_FACE,
        "outcome": Contact.Outcome.MET,
        "location": Contact.Location.CLIENT_HOME,
    }


# --- Services: change ------------------------------------------------------------------------


def test_a_visit_is_changed_and_the_audit_keeps_before_and_after(plan, worker, peer, origin, today):
    visit = plan(1, at=time(10, 0))
    _edit(
        visit,
        peer,
        origin,
        today,
        planned_on=today + timedelta(days=3),
        planned_time=None,
        staff=[peer],
        purpose="Walk to the GP",
    )
    visit.refresh_from_db()
    assert visit.planned_on == today + timedelta(days=3) and visit.planned_time is None
    assert list(visit.staff.all()) == [peer] and visit.purpose == "Walk to the GP"
    assert visit.status == PlannedVisit.Status.PLANNED
    event = AuditEvent.objects.get(action="plannedvisit.update")
    assert event.actor == peer and event.client_id == visit.client_id
    assert event.detail["changed"] == ["planned_on", "planned_time", "staff", "purpose"]
    assert event.detail["before"] == {
        "planned_on": (today + timedelta(days=1)).isoformat(),
        "planned_time": "10:00",
        "staff": sorted([worker.pk, peer.pk]),
    }
    assert event.detail["after"]["planned_on"] == (today + timedelta(days=3)).isoformat()
    # The purpose is free text: the audit says it changed, not what it says.
    assert "Walk to the GP" not in str(event.detail)
    # The first plan's audit row stays: the history of the visit.
    assert AuditEvent.objects.filter(action="plannedvisit.create", object_id=str(visit.pk)).exists()


def test_a_change_that_changes_nothing_records_nothing(plan, worker, origin, today):
    visit = plan(1)
    _edit(visit, worker, origin, today)
    assert not AuditEvent.objects.filter(action="plannedvisit.update").exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"planned_on": -1}, "planned_on"),
        ({"planned_on": services.PLAN_AHEAD_DAYS + 1}, "planned_on"),
        ({"purpose": "   "}, "purpose"),
        ({"staff": []}, "staff"),
    ],
)
def test_a_change_has_the_rules_of_a_new_plan(changes, field, plan, worker, origin, today):
    visit = plan(1)
    if "planned_on" in changes:
        changes = {**changes, "planned_on": today + timedelta(days=changes["planned_on"])}
    with pytest.raises(ValidationError) as exc:
        _edit(visit, worker, origin, today, **changes)
    assert field in exc.value.error_dict
    visit.refresh_from_db()
    assert visit.planned_on == today + timedelta(days=1) and visit.purpose.startswith("Bring")
    assert visit.staff.count() == 2
    assert not AuditEvent.objects.filter(action="plannedvisit.update").exists()


def test_who_goes_after_a_change_is_of_the_clients_team(
    plan, worker, peer, outsider, origin, today
):
    visit = plan(1)
    with pytest.raises(ValidationError) as exc:
        _edit(visit, worker, origin, today, staff=[worker, outsider])
    assert "staff" in exc.value.error_dict
    assert set(visit.staff.all()) == {worker, peer}


def test_another_team_cannot_change_or_cancel(plan, outsider, origin, today):
    visit = plan(1)
    with pytest.raises(PermissionDenied):
        _edit(visit, outsider, origin, today, purpose="x")
    with pytest.raises(PermissionDenied):
        services.visit_cancel(visit=visit, actor=outsider, origin=origin)
    visit.refresh_from_db()
    assert visit.status == "planned" and visit.purpose.startswith("Bring")


def test_a_visit_logged_or_missed_cannot_be_changed_or_cancelled(plan, worker, origin, today):
    done, missed = plan(0), plan(0, purpose="Second")
    services.visit_log_contact(visit=done, author=worker, origin=origin, **_contact_fields())
    services.visit_mark_missed(visit=missed, actor=worker, reason="Not in", origin=origin)
    for visit, says in ((done, "logged as a contact"), (missed, "marked missed")):
        with pytest.raises(ValidationError) as exc:
            _edit(visit, worker, origin, today, planned_on=today + timedelta(days=2))
        assert says in exc.value.messages[0]
        with pytest.raises(ValidationError) as exc:
            services.visit_cancel(visit=visit, actor=worker, origin=origin)
        assert says in exc.value.messages[0]
    done.refresh_from_db()
    missed.refresh_from_db()
    assert (done.status, missed.status) == ("done", "missed")
    assert done.planned_on == today and missed.cancel_reason == ""


# --- Services: cancel ------------------------------------------------------------------------


def test_a_visit_is_cancelled_with_an_optional_reason(plan, worker, peer, origin):
    with_reason, without = plan(1), plan(2)
    services.visit_cancel(visit=with_reason, actor=peer, reason=" He moved ", origin=origin)
    services.visit_cancel(visit=without, actor=worker, origin=origin)
    with_reason.refresh_from_db()
    without.refresh_from_db()
    assert with_reason.status == without.status == PlannedVisit.Status.CANCELLED
    assert with_reason.cancel_reason == "He moved" and without.cancel_reason == ""
    assert with_reason.closed_by == peer and with_reason.closed_at is not None
    events = AuditEvent.objects.filter(action="plannedvisit.cancel").order_by("pk")
    assert [e.detail["reason_given"] for e in events] == [True, False]
    assert "moved" not in str(events[0].detail)


def test_a_cancelled_visit_cannot_be_logged_missed_or_cancelled_again(plan, worker, origin):
    visit = plan(0)
    services.visit_cancel(visit=visit, actor=worker, origin=origin)
    with pytest.raises(ValidationError, match="cancelled"):
        services.visit_log_contact(visit=visit, author=worker, origin=origin, **_contact_fields())
    with pytest.raises(ValidationError):
        services.visit_mark_missed(visit=visit, actor=worker, reason="x", origin=origin)
    with pytest.raises(ValidationError):
        services.visit_cancel(visit=visit, actor=worker, origin=origin)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="plannedvisit.cancel").count() == 1


def test_a_cancelled_visit_leaves_my_work_and_the_client_page_but_stays_in_the_week(
    plan, worker, origin, today, team_client
):
    visit = plan(0)
    assert _visits_on_my_work(worker, today) == 1
    services.visit_cancel(visit=visit, actor=worker, origin=origin)
    assert _visits_on_my_work(worker, today) == 0
    from outreach.selectors import next_planned_visit

    assert next_planned_visit(user=worker, client=team_client, today=today) is None
    days = selectors.visit_week(user=worker, start=selectors.week_start(today), mine=True)
    assert [v.status for d in days for v in d.visits] == ["cancelled"]


# --- Pages -----------------------------------------------------------------------------------


def test_the_worker_changes_a_visit_through_the_page(client, worker, peer, plan, today):
    visit = plan(1, at=time(9, 30))
    client.force_login(worker)
    url = reverse("outreach:visit-edit", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["planned_on"] == visit.planned_on and set(initial["staff"]) == {
        worker.pk,
        peer.pk,
    }
    assert "client" not in page.context["form"].fields
    assert AuditEvent.objects.filter(action="plannedvisit.view").exists()
    new_day = today + timedelta(days=9)
    response = client.post(
        url,
        {
            "planned_on": new_day.isoformat(),
            "planned_time": "15:00",
            "staff": [peer.pk],
            "purpose": "Walk to the GP",
        },
    )
    assert response.status_code == 302
    # Back to the week the visit now is in.
    assert response["Location"] == reverse("outreach:visit-week") + f"?week={new_day.isoformat()}"
    visit.refresh_from_db()
    assert (visit.planned_on, visit.planned_time, visit.purpose) == (
        new_day,
        time(15, 0),
        "Walk to the GP",
    )
    assert list(visit.staff.all()) == [peer]
    week = client.get(response["Location"]).content.decode()
    assert "Walk to the GP" in week and "Visit changed" in week


def test_a_bad_change_shows_a_clear_message_and_changes_nothing(client, worker, plan, today):
    visit = plan(1)
    client.force_login(worker)
    response = client.post(
        reverse("outreach:visit-edit", args=[visit.pk]),
        {
            "planned_on": (today - timedelta(days=1)).isoformat(),
            "staff": [worker.pk],
            "purpose": "Changed",
        },
    )
    assert response.status_code == 400
    assert "today or a later day" in response.content.decode()
    visit.refresh_from_db()
    assert visit.purpose == "Bring the benefits form" and visit.staff.count() == 2


def test_the_change_goes_back_where_it_was_asked(client, worker, plan, team_client):
    visit = plan(1)
    client.force_login(worker)
    back = team_client.get_absolute_url()
    url = reverse("outreach:visit-edit", args=[visit.pk]) + f"?next={back}"
    page = client.get(url)
    assert f'name="next" value="{back}"' in page.content.decode()
    response = client.post(
        url,
        {
            "next": back,
            "planned_on": visit.planned_on.isoformat(),
            "staff": [worker.pk],
            "purpose": "x",
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    # Never to another site.
    response = client.post(
        reverse("outreach:visit-cancel", args=[visit.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"].startswith(reverse("outreach:visit-week"))


def test_the_worker_cancels_a_visit_through_the_page(client, worker, plan, today):
    visit = plan(0)
    client.force_login(worker)
    url = reverse("outreach:visit-cancel", args=[visit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"cancel_reason": "She is in hospital"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.cancel_reason == "She is in hospital"
    week = client.get(response["Location"])
    html = week.content.decode()
    assert "Visit cancelled" in html and "She is in hospital" in html
    assert week.context["count"] == 0
    # No more buttons for it on the week; My work and the client page no longer show it.
    assert reverse("outreach:visit-contact", args=[visit.pk]) not in html
    assert reverse("outreach:visit-edit", args=[visit.pk]) not in html
    my_work = client.get(reverse("indicators:my-work")).content.decode()
    assert reverse("outreach:visit-contact", args=[visit.pk]) not in my_work
    page = client.get(visit.client.get_absolute_url())
    assert page.context["next_visit"] is None


def test_my_work_and_the_client_page_link_to_change_and_cancel(client, worker, plan):
    visit = plan(0)
    client.force_login(worker)
    for page in (reverse("indicators:my-work"), visit.client.get_absolute_url()):
        html = client.get(page).content.decode()
        assert reverse("outreach:visit-edit", args=[visit.pk]) + "?next=" in html, page
        assert reverse("outreach:visit-cancel", args=[visit.pk]) + "?next=" in html, page
    week = client.get(reverse("outreach:visit-week")).content.decode()
    assert reverse("outreach:visit-edit", args=[visit.pk]) in week
    assert reverse("outreach:visit-cancel", args=[visit.pk]) in week


@pytest.mark.parametrize("name", ["outreach:visit-edit", "outreach:visit-cancel"])
def test_a_closed_visit_is_not_changed_through_the_page(name, client, worker, plan, origin, today):
    visit = plan(0)
    services.visit_log_contact(visit=visit, author=worker, origin=origin, **_contact_fields())
    client.force_login(worker)
    url = reverse(name, args=[visit.pk])
    response = client.get(url, follow=True)
    assert "already logged as a contact" in response.content.decode()
    response = client.post(
        url,
        {"planned_on": today.isoformat(), "staff": [worker.pk], "purpose": "x"},
        follow=True,
    )
    assert "already logged as a contact" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "done" and visit.purpose == "Bring the benefits form"


@pytest.mark.parametrize("name", ["outreach:visit-edit", "outreach:visit-cancel"])
def test_another_team_gets_404(name, client, outsider, plan, today):
    visit = plan(1)
    client.force_login(outsider)
    url = reverse(name, args=[visit.pk])
    assert client.get(url).status_code == 404
    post = {"planned_on": today.isoformat(), "staff": [outsider.pk], "purpose": "x"}
    assert client.post(url, post).status_code == 404
    visit.refresh_from_db()
    assert visit.status == "planned" and visit.purpose == "Bring the benefits form"


@pytest.mark.parametrize("role", ["coordinator", "partner", "dpo"])
def test_roles_without_clients_cannot_change_visits(role, client, users_by_role, plan):
    visit = plan(1)
    client.force_login(users_by_role[role])
    for name in ("outreach:visit-edit", "outreach:visit-cancel"):
        assert client.get(reverse(name, args=[visit.pk])).status_code == 404
        assert client.post(reverse(name, args=[visit.pk]), {}).status_code == 404


def test_the_supervisor_of_the_team_may_cancel(client, supervisor, plan):
    visit = plan(1)
    client.force_login(supervisor)
    response = client.post(reverse("outreach:visit-cancel", args=[visit.pk]), {})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.closed_by == supervisor


@pytest.mark.parametrize("n", [1, 10])
def test_the_week_page_with_cancelled_visits_keeps_its_queries(
    n, client, worker, peer, team, plan, origin, today, django_assert_num_queries
):
    for i in range(n):
        visit = plan(0, staff=[worker, peer, UserFactory(teams=[team])], purpose=f"p{i}")
        if i % 2:
            services.visit_cancel(visit=visit, actor=worker, reason="r", origin=origin)
    client.force_login(worker)
    # session, user, visits (+client, contact), their staff, audit insert, session save
    # (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("outreach:visit-week"))
    assert response.context["count"] == n - n // 2
