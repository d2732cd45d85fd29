"""Planned-visit forms in the phone's outbox (issue 17): planning a visit, logging its contact
and marking it missed are queued without signal like the contact form, and sent with their
idempotency key, so a resend never doubles a record. The requests here are the outbox's own
(static/outreach/outbox.js, sendOne): the form's fields, `Idempotency-Key`, `X-Outreach-Outbox`.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Contact, PlannedVisit
from outreach.submissions import ALREADY_SAVED, FIELD
from outreach.visits import services

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"')
OUTBOX_FORM = re.compile(r"<form [^>]*data-outbox[ >]")


@pytest.fixture
def visit(team_client, worker, peer, origin):
    return services.visit_plan(
        client=team_client,
        actor=worker,
        planned_on=timezone.localdate(),
        planned_time=None,
        staff=[worker, peer],
        purpose="Bring the benefits form",
        origin=origin,
    )


def _form(client, url) -> str:
    """The page's form is an outbox form; its token is the idempotency key."""
    html = client.get(url).content.decode()
    assert OUTBOX_FORM.search(html), url
    return TOKEN.search(html).group(1)


def _send(client, url, key, fields):
    return client.post(
        url,
        {**fields, FIELD: key},
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_X_OUTREACH_OUTBOX="1",
        HTTP_X_RECORDED_AT=(timezone.now() - timedelta(minutes=20)).isoformat(),
    )


def _sent_twice(client, url, fields):
    key = _form(client, url)
    first = _send(client, url, key, fields)
    assert first.status_code == 200 and first["X-Outbox-Answer"] == "redirect", first.content
    assert not first.json()["signin"]
    again = _send(client, url, key, fields)
    assert again["X-Outbox-Answer"] == "redirect"
    assert again.json()["location"] == first.json()["location"]
    assert str(ALREADY_SAVED) in [str(m) for m in get_messages(again.wsgi_request)]
    return first


def test_a_visit_planned_offline_is_saved_once(client, worker, peer, team_client):
    client.force_login(worker)
    day = timezone.localdate() + timedelta(days=1)
    _sent_twice(
        client,
        reverse("outreach:visit-create"),
        {
            "client": team_client.pk,
            "planned_on": day.isoformat(),
            "staff": [worker.pk, peer.pk],
            "purpose": "Walk to the GP",
        },
    )
    assert PlannedVisit.objects.get().purpose == "Walk to the GP"
    assert AuditEvent.objects.filter(action="plannedvisit.create").count() == 1


def test_a_visit_contact_logged_offline_is_saved_once(client, worker, visit, team_client):
    client.force_login(worker)
    first = _sent_twice(
        client,
        reverse("outreach:visit-contact", args=[visit.pk]),
        {
            "started_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "face_to_face",
            "outcome": "met",
            "location": "client_home",
            "duration_minutes": 45,
            "staff": [worker.pk],
            "note": "Filled in the form together",
        },
    )
    assert first.json()["location"] == team_client.get_absolute_url()
    visit.refresh_from_db()
    assert visit.status == "done"
    assert Contact.objects.get() == visit.contact
    # Audited when it arrived, with the time the worker recorded it.
    event = AuditEvent.objects.get(action="contact.create")
    assert event.detail["recorded_at"] < event.at.isoformat()


def test_a_visit_marked_missed_offline_is_saved_once(client, worker, visit):
    client.force_login(worker)
    _sent_twice(
        client,
        reverse("outreach:visit-missed", args=[visit.pk]),
        {"missed_reason": "Not at home"},
    )
    visit.refresh_from_db()
    assert visit.status == "missed" and visit.missed_reason == "Not at home"
    assert AuditEvent.objects.filter(action="plannedvisit.missed").count() == 1


def test_a_refused_item_is_answered_with_the_form_and_its_message(client, worker, visit):
    """The outbox shows a 400 with the form's errors under "Needs attention"."""
    client.force_login(worker)
    url = reverse("outreach:visit-missed", args=[visit.pk])
    response = _send(client, url, _form(client, url), {"missed_reason": ""})
    assert response.status_code == 400
    assert 'data-field="missed_reason"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == "planned"
