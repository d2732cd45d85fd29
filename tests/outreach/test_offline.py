"""Work without signal (issue 17), server side: the service worker, the manifest, the offline
pages, the outbox's answers, its idempotency key and the time the worker recorded a write.

The browser side (copies, outbox, drafts, sign-out) is tested in tests/browser/test_offline.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from outreach import access, audit, services
from outreach.models import AuditEvent, Contact
from outreach.origin import Origin
from tests.factories import UserFactory, make_origin

pytestmark = pytest.mark.django_db

OUTBOX = {"HTTP_X_OUTREACH_OUTBOX": "1"}
QUERIES = 9


def _contact(c, **extra):
    return {
        "started_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [c.tandem.professional_id],
        "note": "Met at the station.",
        **extra,
    }


# --- The service worker and the manifest ---------------------------------------------------


def test_service_worker_is_served_from_the_root_for_every_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "importScripts(" in body and "/static/outreach/outbox.js" in body
    assert not body.lstrip().startswith("<")  # a script, not a page


def test_service_worker_keeps_only_the_workers_own_pages(client):
    body = client.get("/sw.js").content.decode()
    kept = body.split("const KEPT_PAGES = new Set([", 1)[1].split("]);", 1)[0]
    pages = {line.strip().strip(",").strip('"') for line in kept.splitlines() if line.strip()}
    assert pages == {
        reverse("outreach:caseload"),
        reverse("indicators:my-work"),
        "OFFLINE_PAGE",
        "CONTACT_FORM",
        "MISSED_FORM",
    }
    assert f'OFFLINE_PAGE = "{reverse("outreach:offline")}"' in body
    assert f'CONTACT_FORM = "{reverse("outreach:offline-contact")}"' in body
    assert "const KEEP_MS = 72 * 3600 * 1000;" in body


def test_service_worker_cache_name_follows_the_app_files(client, monkeypatch, tmp_path):
    before = client.get("/sw.js").content.decode()
    changed = tmp_path / "app.css"
    changed.write_text("body { color: red; }")
    real = finders.find
    monkeypatch.setattr(
        finders, "find", lambda name: str(changed) if name == "outreach/app.css" else real(name)
    )
    after = client.get("/sw.js").content.decode()
    name = before.split('const SHELL = "', 1)[1].split('"', 1)[0]
    assert name.startswith("outreach-shell-")
    assert name not in after


def test_service_worker_answers_without_signal_in_the_users_language(client):
    assert 'new Response("No signal.",' in client.get("/sw.js").content.decode()
    body = client.get("/sw.js", headers={"accept-language": "bg"}).content.decode()
    assert 'new Response("Няма сигнал.",' in body


def test_service_worker_and_manifest_take_no_post(client, worker):
    client.force_login(worker)
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_pages_link_the_manifest_and_name_the_worker_pages_to_keep(client, worker):
    client.force_login(worker)
    body = client.get(reverse("outreach:caseload")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in body
    assert 'name="outreach-offline"' in body and 'data-worker="/sw.js"' in body
    assert f'content="{reverse("outreach:caseload")} {reverse("indicators:my-work")}"' in body


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin", "dpo"])
def test_no_page_is_kept_for_roles_without_a_caseload(client, users_by_role, role):
    client.force_login(users_by_role[role])
    body = client.get("/").content.decode()
    if "<html" not in body:
        body = client.get("/", follow=True).content.decode()
    assert 'name="outreach-offline"' not in body


# --- Who works offline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("worker", True),
        ("peer", True),
        ("supervisor", True),
        ("coordinator", False),
        ("partner", False),
        ("admin", False),
        ("dpo", False),
    ],
)
def test_works_offline_is_for_the_teams_workers_and_supervisors(users_by_role, role, expected):
    assert access.works_offline(users_by_role[role]) is expected


def test_inactive_worker_does_not_work_offline(worker):
    worker.is_active = False
    assert access.works_offline(worker) is False


# --- The offline pages ---------------------------------------------------------------------


OFFLINE_PAGES = ["outreach:offline", "outreach:offline-contact", "outreach:offline-missed"]


@pytest.mark.parametrize("name", OFFLINE_PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("worker", 200), ("peer", 200), ("supervisor", 200), ("partner", 404), ("coordinator", 404)],
)
def test_offline_pages_are_for_team_workers(client, users_by_role, name, role, status):
    client.force_login(users_by_role[role])
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", OFFLINE_PAGES)
def test_offline_pages_need_a_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_offline_contact_form_holds_no_clients_data(client, worker, team_client, outsider):
    client.force_login(worker)
    services.contact_log(
        client=team_client,
        author=worker,
        started_at=timezone.now() - timedelta(hours=2),
        duration_minutes=30,
        mode="face_to_face",
        outcome="met",
        location=Contact.Location.STREET,
        note="A note only the record holds.",
        origin=make_origin(worker),
    )
    before = AuditEvent.objects.count()
    response = client.get(reverse("outreach:offline-contact"))
    body = response.content.decode()
    assert response.status_code == 200
    assert team_client.family_name not in body and "A note only the record holds." not in body
    # The staff to pick from: the worker's own team only.
    assert worker.last_name in body and outsider.last_name not in body
    assert "data-outbox" in body and "data-offline-form" in body
    # No client was read: nothing to audit.
    assert AuditEvent.objects.count() == before


def test_offline_contact_form_queries_do_not_grow_with_the_team(
    client, worker, team, django_assert_num_queries
):
    client.force_login(worker)
    client.get(reverse("outreach:offline-contact"))  # the menu's counts are cached from here on
    UserFactory.create_batch(5, teams=[team])
    # session, user, the user's teams, the staff of each team (one per team, not per person),
    # the staff choices, the interventions, and the session save (savepoint, update, release)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("outreach:offline-contact"))
    assert response.status_code == 200


def test_offline_pages_take_no_post(client, worker):
    client.force_login(worker)
    assert client.post(reverse("outreach:offline")).status_code == 405
    assert client.post(reverse("outreach:offline-contact")).status_code == 405
    assert client.post(reverse("outreach:offline-missed")).status_code == 405


def test_offline_missed_form_holds_no_visit_and_asks_the_reason(client, worker, team_client):
    client.force_login(worker)
    before = AuditEvent.objects.count()
    response = client.get(reverse("outreach:offline-missed"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="missed_reason"' in body and 'name="submission_token"' in body
    assert "data-outbox" in body and "data-offline-form" in body
    assert team_client.family_name not in body
    assert AuditEvent.objects.count() == before


def test_the_worker_keeps_the_missed_form_for_a_visits_missed_link(client, worker):
    client.force_login(worker)
    body = client.get(reverse("outreach:service-worker")).content.decode()
    assert f'MISSED_FORM = "{reverse("outreach:offline-missed")}"' in body
    assert "VISIT_MISSED.test(path)) fallback = MISSED_FORM" in body
    # The page asks the worker to keep it, with the other pages.
    page = client.get(reverse("indicators:my-work")).content.decode()
    assert f'data-missed-form="{reverse("outreach:offline-missed")}"' in page


def test_caseload_rows_link_the_contact_form_and_name_the_client(client, worker, team_client):
    client.force_login(worker)
    body = client.get(reverse("outreach:caseload")).content.decode()
    assert f'data-client-id="{team_client.pk}" data-client-name="Maria Ivanova"' in body
    assert reverse("outreach:contact-create", args=[team_client.pk]) in body


# --- The outbox's answers ------------------------------------------------------------------


def test_a_saved_outbox_form_is_answered_with_where_it_led(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    response = client.post(url, _contact(team_client), **OUTBOX)
    assert response.status_code == 200
    assert response["X-Outbox-Answer"] == "redirect"
    assert response.json() == {"location": team_client.get_absolute_url(), "signin": False}
    assert Contact.objects.get().note == "Met at the station."


def test_an_outbox_form_after_the_session_ended_is_answered_sign_in(client, team_client):
    url = reverse("outreach:contact-create", args=[team_client.pk])
    response = client.post(url, _contact(team_client), **OUTBOX)
    assert response.status_code == 200
    assert response.json()["signin"] is True
    assert "/accounts/login/" in response.json()["location"]
    assert not Contact.objects.exists()


def test_without_the_outbox_header_a_redirect_stays_a_redirect(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    response = client.post(url, _contact(team_client))
    assert response.status_code == 302
    assert response["Location"] == team_client.get_absolute_url()


def test_an_invalid_outbox_form_gets_the_form_and_its_errors(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    response = client.post(url, _contact(team_client, duration_minutes="2000"), **OUTBOX)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Contact.objects.exists()


def test_an_outbox_form_for_a_client_of_another_team_is_404(
    client, worker, team_client, other_team
):
    client.force_login(worker)
    team_client.team = other_team
    team_client.save(update_fields=["team"])
    url = reverse("outreach:contact-create", args=[team_client.pk])
    response = client.post(url, _contact(team_client), **OUTBOX)
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_the_idempotency_key_header_saves_a_resent_form_once(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    key = str(uuid.uuid4())
    first = client.post(url, _contact(team_client), HTTP_IDEMPOTENCY_KEY=key, **OUTBOX)
    again = client.post(url, _contact(team_client), HTTP_IDEMPOTENCY_KEY=key, **OUTBOX)
    assert first.json()["location"] == again.json()["location"] == team_client.get_absolute_url()
    assert Contact.objects.count() == 1
    other = client.post(url, _contact(team_client), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert other.status_code == 302
    assert Contact.objects.count() == 2


# --- When the worker recorded it, when it arrived --------------------------------------------


def test_the_audit_has_the_time_the_worker_recorded_and_the_time_it_arrived(
    client, worker, team_client
):
    client.force_login(worker)
    recorded = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    url = reverse("outreach:contact-create", args=[team_client.pk])
    client.post(url, _contact(team_client), HTTP_X_RECORDED_AT=recorded.isoformat(), **OUTBOX)
    event = AuditEvent.objects.get(action="contact.create")
    assert event.detail["recorded_at"] == recorded.isoformat()
    assert event.at - timezone.now() < timedelta(minutes=1)  # arrived now


@pytest.mark.parametrize("value", ["", "yesterday", "2026-12-01T10:00:00", "2026-13-45T10:00Z"])
def test_a_missing_or_bad_recorded_time_is_left_out(value):
    request = RequestFactory().post("/", HTTP_X_RECORDED_AT=value)
    assert Origin.from_request(request).recorded_at is None


def test_audit_record_adds_the_recorded_time_to_the_detail(worker, team_client):
    recorded = timezone.now() - timedelta(hours=1)
    origin = Origin(actor=worker, ip=None, user_agent="", path="/x/", recorded_at=recorded)
    event = audit.record(
        origin=origin, action="contact.create", client=team_client, detail={"a": 1}
    )
    assert event.detail == {"a": 1, "recorded_at": recorded.isoformat()}
    plain = audit.record(origin=make_origin(worker), action="client.view", client=team_client)
    assert "recorded_at" not in plain.detail


# --- Sign-out ------------------------------------------------------------------------------


def test_sign_out_tells_the_browser_to_clear_the_apps_storage(client, worker):
    client.force_login(worker)
    response = client.post(reverse("outreach:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'
