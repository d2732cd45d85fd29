"""Plan actions are edited and marked done from the phone; a review that changes nothing keeps
the version and its signatures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import Action, PlanSignoff
from outreach.models import AuditEvent
from tests.factories import make_origin


def _sign_both(plan, worker, peer):
    for user in (worker, peer):
        services.careplan_sign(
            careplan=plan, user=user, plan_version=plan.version, origin=make_origin()
        )


@pytest.fixture
def action(plan, worker, origin):
    goal = services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=plan.version,
        domain="documents",
        in_their_words="Нова лична карта",
        origin=origin,
    )
    plan.refresh_from_db()
    return services.action_add(
        goal=goal,
        author=worker,
        expected_version=plan.version,
        what="Снимки и заявление в МВР",
        who="tandem",
        staff=worker,
        due_on=timezone.localdate() + timedelta(days=7),
        origin=origin,
    )


def test_marking_done_records_day_and_person_and_keeps_the_signed_version(
    plan, action, worker, peer, origin
):
    plan.refresh_from_db()
    _sign_both(plan, worker, peer)
    version = plan.version
    today = timezone.localdate()
    services.action_mark_done(action=action, author=peer, done_on=today, origin=origin)
    action.refresh_from_db()
    plan.refresh_from_db()
    assert action.done_on == today and action.done_by == peer
    assert plan.version == version  # progress, not a new plan to sign
    assert PlanSignoff.objects.filter(careplan=plan, plan_version=version).count() == 2
    event = AuditEvent.objects.get(action="action.done")
    assert event.actor == peer and event.client == plan.client
    assert action.history.filter(done_on=today, history_user=peer).exists()  # in the history
    with pytest.raises(ValidationError) as exc:
        services.action_mark_done(action=action, author=peer, done_on=today, origin=origin)
    assert exc.value.code == "already_done"


def test_done_is_refused_in_the_future_before_the_episode_and_for_others(
    plan, action, outsider, origin, episode
):
    with pytest.raises(ValidationError):
        services.action_mark_done(
            action=action,
            author=plan.episode.client.tandem.professional,
            done_on=timezone.localdate() + timedelta(days=1),
            origin=origin,
        )
    with pytest.raises(ValidationError):
        services.action_mark_done(
            action=action,
            author=plan.episode.client.tandem.professional,
            done_on=episode.started_on - timedelta(days=1),
            origin=origin,
        )
    with pytest.raises(PermissionDenied):
        services.action_mark_done(
            action=action, author=outsider, done_on=timezone.localdate(), origin=origin
        )
    action.refresh_from_db()
    assert action.done_on is None
    assert not AuditEvent.objects.filter(action="action.done").exists()


def test_changing_what_makes_a_version_and_the_audit_says_what_changed(
    plan, action, worker, peer, origin
):
    plan.refresh_from_db()
    _sign_both(plan, worker, peer)
    version = plan.version
    services.action_update(
        action=action,
        author=worker,
        expected_version=version,
        what="Заявление в МВР",
        who="tandem",
        staff=peer,
        due_on=action.due_on,
        origin=origin,
    )
    plan.refresh_from_db()
    action.refresh_from_db()
    assert plan.version == version + 1  # new content: the tandem signs again
    assert action.what == "Заявление в МВР" and action.staff == peer
    changes = AuditEvent.objects.get(action="action.update").detail["changes"]
    assert set(changes) == {"what", "staff"}
    assert "Заявление" not in str(changes)  # free text only as a hash and a length
    assert plan.snapshot["goals"][0]["actions"][0]["what"] == "Заявление в МВР"


def test_an_update_with_a_stale_version_saves_nothing(plan, action, worker, origin):
    with pytest.raises(services.CarePlanConflict):
        services.action_update(
            action=action,
            author=worker,
            expected_version=plan.version - 1,
            what="changed",
            who="client",
            origin=origin,
        )
    action.refresh_from_db()
    assert action.what == "Снимки и заявление в МВР"


def test_one_tap_done_from_the_plan_page(client, plan, action, worker):
    client.force_login(worker)
    page = client.get(reverse("careplans:careplan-detail", args=[plan.pk])).content.decode()
    done_url = reverse("careplans:action-done", args=[plan.pk, action.pk])
    assert f'action="{done_url}"' in page and "Mark done" in page
    today = timezone.localdate()
    response = client.post(done_url, {"done_on": today.isoformat()}, follow=True)
    assert "Marked done" in response.content.decode()
    action.refresh_from_db()
    assert action.done_on == today and action.done_by == worker
    page = client.get(reverse("careplans:careplan-detail", args=[plan.pk])).content.decode()
    assert f'action="{done_url}"' not in page  # done: the button is gone


def test_a_bad_day_is_a_message_and_nothing_is_saved(client, plan, action, worker):
    client.force_login(worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("careplans:action-done", args=[plan.pk, action.pk]),
        {"done_on": tomorrow.isoformat()},
        follow=True,
    )
    assert "future" in response.content.decode()
    action.refresh_from_db()
    assert action.done_on is None


def test_the_edit_page_changes_the_action(client, plan, action, worker):
    client.force_login(worker)
    url = reverse("careplans:action-update", args=[plan.pk, action.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Снимки и заявление в МВР" in form.content.decode()
    plan.refresh_from_db()
    response = client.post(
        url,
        {
            "version": plan.version,
            "what": "Само снимки",
            "who": "client",
            "due_on": "",
            "done_on": "",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.what == "Само снимки" and action.who == Action.Who.CLIENT
    assert action.staff is None


def test_outsiders_get_404_and_nothing_changes(client, plan, action, outsider):
    client.force_login(outsider)
    for name in ("action-update", "action-done"):
        url = reverse(f"careplans:{name}", args=[plan.pk, action.pk])
        assert client.post(url, {"done_on": timezone.localdate().isoformat()}).status_code == 404
    action.refresh_from_db()
    assert action.done_on is None


def test_a_review_that_changes_nothing_keeps_version_and_signatures(
    client, plan, worker, peer, origin
):
    _sign_both(plan, worker, peer)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=plan.version,
        answer="agree",
        in_their_words="",
        responded_on=timezone.localdate(),
        origin=origin,
    )
    version = plan.version
    client.force_login(worker)
    response = client.post(
        reverse("careplans:review-create", args=[plan.pk]),
        {
            "version": version,
            "held_on": timezone.localdate().isoformat(),
            "what_changed": "Nothing new; the plan stands.",
            "goal_progress": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.version == version
    assert PlanSignoff.objects.filter(careplan=plan, plan_version=version).count() == 2
    assert "signatures stand" in response.content.decode()
