"""Case-conference follow-up actions are marked done and edited from the phone, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.caserecord import services
from outreach.models import AuditEvent, CaseConference, FollowUpAction


@pytest.fixture
def followup(team_client, worker):
    conference = CaseConference.objects.create(
        client=team_client,
        held_on=timezone.localdate() - timedelta(days=3),
        decisions="Apply for the benefit.",
        author=worker,
    )
    return FollowUpAction.objects.create(
        conference=conference,
        action="Fill in the benefit form",
        owner="The client",
        due_on=timezone.localdate() - timedelta(days=1),
    )


def test_mark_done_records_day_and_person(followup, peer, origin):
    today = timezone.localdate()
    services.followup_mark_done(followup=followup, actor=peer, done_on=today, origin=origin)
    followup.refresh_from_db()
    assert followup.done_on == today and followup.done_by == peer
    event = AuditEvent.objects.get(action="followupaction.done")
    assert event.actor == peer and event.client == followup.conference.client
    with pytest.raises(ValidationError) as exc:
        services.followup_mark_done(followup=followup, actor=peer, done_on=today, origin=origin)
    assert exc.value.code == "already_done"


def test_done_before_the_conference_or_by_an_outsider_is_refused(followup, peer, outsider, origin):
    with pytest.raises(ValidationError) as exc:
        services.followup_mark_done(
            followup=followup,
            actor=peer,
            done_on=followup.conference.held_on - timedelta(days=1),
            origin=origin,
        )
    assert "done_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.followup_mark_done(
            followup=followup, actor=outsider, done_on=timezone.localdate(), origin=origin
        )
    with pytest.raises(PermissionDenied):
        services.followup_update(
            followup=followup,
            actor=outsider,
            action="x",
            owner="y",
            due_on=None,
            done_on=None,
            origin=origin,
        )
    followup.refresh_from_db()
    assert followup.done_on is None and followup.action == "Fill in the benefit form"
    assert not AuditEvent.objects.filter(action__startswith="followupaction").exists()


def test_one_tap_done_from_the_client_page(client, worker, team_client, followup):
    client.force_login(worker)
    page = client.get(reverse("outreach:client-detail", args=[team_client.pk])).content.decode()
    done_url = reverse("outreach:followup-done", args=[team_client.pk, followup.pk])
    assert f'action="{done_url}"' in page and "overdue" in page
    today = timezone.localdate()
    response = client.post(done_url, {"done_on": today.isoformat()}, follow=True)
    assert "Marked done" in response.content.decode()
    followup.refresh_from_db()
    assert followup.done_on == today and followup.done_by == worker
    page = client.get(reverse("outreach:client-detail", args=[team_client.pk])).content.decode()
    assert f'action="{done_url}"' not in page


def test_edit_page_changes_owner_and_date_and_audits_what_changed(
    client, worker, team_client, followup
):
    client.force_login(worker)
    url = reverse("outreach:followup-update", args=[team_client.pk, followup.pk])
    assert "Fill in the benefit form" in client.get(url).content.decode()
    new_due = timezone.localdate() + timedelta(days=5)
    response = client.post(
        url,
        {
            "action": "Fill in the benefit form",
            "owner": "Elena Ivanova",
            "due_on": new_due.isoformat(),
            "done_on": "",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.owner == "Elena Ivanova" and followup.due_on == new_due
    event = AuditEvent.objects.get(action="followupaction.update")
    assert event.detail["changed"] == ["owner", "due_on"]


def test_a_future_done_date_is_a_message_and_nothing_is_saved(
    client, worker, team_client, followup
):
    client.force_login(worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("outreach:followup-done", args=[team_client.pk, followup.pk]),
        {"done_on": tomorrow.isoformat()},
        follow=True,
    )
    assert "future" in response.content.decode()
    followup.refresh_from_db()
    assert followup.done_on is None


def test_outsiders_get_404(client, outsider, team_client, followup):
    client.force_login(outsider)
    for name in ("followup-update", "followup-done"):
        url = reverse(f"outreach:{name}", args=[team_client.pk, followup.pk])
        assert client.post(url, {"done_on": timezone.localdate().isoformat()}).status_code == 404
    followup.refresh_from_db()
    assert followup.done_on is None
