"""Idempotent API POSTs: the same Idempotency-Key and body give the first answer, once written."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from outreach import idempotency
from outreach.accounts.services import api_token_create
from outreach.models import AuditEvent, Contact, IdempotencyKey
from outreach.tasks import idempotency_keys_expire
from tests.factories import UserFactory, make_origin

URL = "/api/v1/contacts/"


def _payload(team_client, **changes):
    return {
        "client": team_client.pk,
        "started_at": (timezone.now() - timedelta(hours=2)).replace(microsecond=0).isoformat(),
        "duration_minutes": 15,
        "mode": "phone",
        "outcome": "met",
        **changes,
    }


def _post(client, payload, key, **headers):
    return client.post(
        URL, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )


def test_same_key_twice_writes_one_contact_and_replays_the_answer(client, worker, team_client):
    client.force_login(worker)
    payload = _payload(team_client)
    first = _post(client, payload, "phone-42-retry")
    second = _post(client, payload, "phone-42-retry")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Contact.objects.count() == 1
    assert IdempotencyKey.objects.get().status == 201


def test_same_key_with_another_body_is_a_422_and_writes_nothing(client, worker, team_client):
    client.force_login(worker)
    assert _post(client, _payload(team_client), "k1").status_code == 201
    response = _post(client, _payload(team_client, duration_minutes=30), "k1")
    assert response.status_code == 422
    assert "another request" in response.json()["detail"]
    assert Contact.objects.count() == 1


def test_a_json_body_compares_by_content_not_by_spacing(client, worker, team_client):
    client.force_login(worker)
    payload = _payload(team_client)
    assert _post(client, payload, "k2").status_code == 201
    reordered = json.dumps(dict(reversed(list(payload.items()))), indent=2)
    assert _post(client, reordered, "k2").status_code == 201
    assert Contact.objects.count() == 1


def test_another_user_with_the_same_key_is_independent(client, worker, team, team_client):
    colleague = UserFactory(role="professional", teams=[team])
    client.force_login(worker)
    assert _post(client, _payload(team_client), "shared").status_code == 201
    client.force_login(colleague)
    response = _post(client, _payload(team_client, duration_minutes=20), "shared")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Contact.objects.count() == 2


def test_after_the_window_the_key_is_new(client, worker, team_client):
    client.force_login(worker)
    assert _post(client, _payload(team_client), "old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    response = _post(client, _payload(team_client, duration_minutes=25), "old")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Contact.objects.count() == 2
    assert IdempotencyKey.objects.get().fingerprint  # the new request's row replaced the old


def test_a_failed_request_keeps_no_key(client, worker, team_client):
    client.force_login(worker)
    bad = _payload(team_client, duration_minutes=5000)
    assert _post(client, bad, "k3").status_code == 400
    assert not IdempotencyKey.objects.exists()
    # Corrected and sent again with the same key: saved.
    assert _post(client, _payload(team_client), "k3").status_code == 201


def test_another_team_is_404_with_a_key_and_nothing_kept(client, outsider, team_client):
    client.force_login(outsider)
    assert _post(client, _payload(team_client), "k4").status_code == 404
    assert not IdempotencyKey.objects.exists() and not Contact.objects.exists()


def test_a_bad_key_is_a_400(client, worker, team_client):
    client.force_login(worker)
    response = _post(client, _payload(team_client), "x" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_without_a_key_every_post_writes(client, worker, team_client):
    client.force_login(worker)
    for _ in range(2):
        client.post(URL, _payload(team_client), content_type="application/json")
    assert Contact.objects.count() == 2


def test_token_clients_get_it_too(client, worker, team_client):
    made = api_token_create(owner=worker, origin=make_origin(), name="phone")
    auth = {"HTTP_AUTHORIZATION": f"Token {made.key}"}
    payload = _payload(team_client)
    assert _post(client, payload, "t1", **auth).status_code == 201
    audit_rows = AuditEvent.objects.count()
    assert _post(client, payload, "t1", **auth)["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1
    # The write is audited with the token's name; the replay writes nothing, not even audit.
    created = AuditEvent.objects.get(action="contact.create")
    assert created.token_name == f"phone ({made.token.prefix})"
    assert AuditEvent.objects.count() == audit_rows


def test_a_bad_token_with_a_key_is_401(client, worker, team_client):
    auth = {"HTTP_AUTHORIZATION": "Token nope.nope"}
    response = _post(client, _payload(team_client), "t2", **auth)
    assert response.status_code == 401 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_give_one_contact(worker, team_client):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    key = api_token_create(owner=worker, origin=make_origin(), name="twins").key
    payload = _payload(team_client)
    barrier = threading.Barrier(2)
    answers = []

    def send():
        http = HttpClient()
        barrier.wait()
        answers.append(_post(http, payload, "twin", HTTP_AUTHORIZATION=f"Token {key}"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Contact.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_cleanup_task_forgets_keys_past_the_window(worker, team_client):
    fresh = IdempotencyKey.objects.create(user=worker, key="fresh", fingerprint="a", status=201)
    old = IdempotencyKey.objects.create(user=worker, key="old", fingerprint="b", status=201)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_keys_expire.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_keys_expire_service_uses_the_setting(worker, settings):
    IdempotencyKey.objects.create(user=worker, key="k", fingerprint="a", status=201)
    settings.IDEMPOTENCY_KEY_HOURS = 1
    assert idempotency.keys_expire(now=timezone.now() + timedelta(minutes=59)) == 0
    assert idempotency.keys_expire(now=timezone.now() + timedelta(minutes=61)) == 1


def test_the_beat_schedule_runs_the_cleanup(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "outreach.tasks.idempotency_keys_expire" in tasks


def test_referrals_get_it_without_code_of_their_own(client, partner):
    from referrals.models import Referral

    client.force_login(partner)
    body = {"source": "hospital", "given_name": "Nikola", "reasons": "No place to go."}
    first = client.post(
        "/api/v1/referrals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    again = client.post(
        "/api/v1/referrals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    assert first.status_code == again.status_code == 201
    assert Referral.objects.count() == 1
