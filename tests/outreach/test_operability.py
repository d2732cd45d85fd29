"""Operability (issue 18, item 5): probes, request ids, JSON logs without personal data,
metrics that are never public, Sentry without personal data, a 503 page without a database."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from outreach.ops import health, requestid, sentry
from tests import db_state
from tests.factories import ContactFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """Every log record of the test, formatted as production formats it (one JSON per line)."""
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(requestid.RequestIdFilter())
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(**options))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    stream.handler = handler  # to attach again after a worker's django.setup() reconfigures
    yield stream
    root.removeHandler(handler)
    root.setLevel(before)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# --- probes -------------------------------------------------------------------------------


def test_healthz_answers_anyone_without_data(client, db):
    before = db_state.writes()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not db_state.changes(before, db_state.writes())


def test_readyz_checks_database_migrations_broker_and_cache(client, db, team_client):
    before = db_state.writes()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "ok", "cache": "ok"},
    }
    assert team_client.family_name not in response.content.decode()
    assert not db_state.changes(before, db_state.writes())


def test_readyz_is_503_naming_the_broker_when_redis_is_down(client, db, settings):
    # /readyz connects to the configured URL itself. (Setting Celery's own broker_url here
    # leaked: given back an empty value, Celery reads the overridden setting again.)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"].startswith("fail: ")
    assert body["checks"]["database"] == "ok"
    assert response["Retry-After"]


def test_readyz_is_503_when_a_migration_is_not_applied(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    real_plan = MigrationExecutor.migration_plan

    def plan_without_last(self, targets, clean_start=False):
        # As if the newest migration of the core app were not applied yet.
        leaf = next(t for t in targets if t[0] == "outreach")
        migration = self.loader.graph.nodes[leaf]
        return [(migration, False), *real_plan(self, targets, clean_start)]

    monkeypatch.setattr(health, "_migrations_ok_at", None)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_without_last)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == "fail: 1 not applied"


def test_probes_are_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/caseload/").status_code == 301  # everything else is


def _run_without_database(code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",  # nothing listens on port 1
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "outreach.settings",
        "SECRET_KEY": "tests-only-not-a-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    script = "import django, json; django.setup()\nfrom django.test import Client\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_without_a_database_readyz_says_so_and_pages_are_a_clear_503():
    run = _run_without_database(
        "c = Client(raise_request_exception=False)\n"
        "r = c.get('/readyz'); print(json.dumps([r.status_code, r.json()]))\n"
        "c.cookies['sessionid'] = 'x' * 32  # a signed-in browser: the session is read first\n"
        "r = c.get('/caseload/'); print(json.dumps([r.status_code, r['Retry-After'], r.content.decode()]))\n"
        "r = c.get('/api/v1/clients/'); print(json.dumps([r.status_code, r.json()]))\n"
        "c.cookies.clear()  # a probe sends no session\n"
        "r = c.get('/healthz'); print(json.dumps([r.status_code]))\n"
    )
    assert run.returncode == 0, run.stderr
    ready, page, api, alive = (json.loads(line) for line in run.stdout.splitlines()[-4:])
    assert ready[0] == 503 and "database" in ready[1]["failed"]
    assert ready[1]["checks"]["migrations"] == "fail: database unreachable"
    status, retry_after, body = page
    assert status == 503 and retry_after == "30"
    assert "Briefly unavailable" in body and "try again in 30 seconds" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert api[0] == 503 and "try again" in api[1]["detail"]
    assert alive == [200]  # the process is up, it just cannot serve


# --- request ids and logs -----------------------------------------------------------------


def test_request_id_is_made_answered_and_logged(client, worker, team_client, json_log):
    client.force_login(worker)
    response = client.get(team_client.get_absolute_url())
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    response = client.get(team_client.get_absolute_url(), HTTP_X_REQUEST_ID="edge-42.a_b")
    assert response["X-Request-ID"] == "edge-42.a_b"
    # A header that is not a plain token is never echoed or logged: a new id is made.
    response = client.get("/caseload/", HTTP_X_REQUEST_ID="Maria Ivanova\n{}")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    requests = [r for r in _lines(json_log) if r["message"] == "request"]
    assert [(r["request_id"], r["route"], r["status"]) for r in requests] == [
        (made, "clients/<int:pk>/", 200),
        ("edge-42.a_b", "clients/<int:pk>/", 200),
        (response["X-Request-ID"], "caseload/", 200),
    ]
    assert all(r["user_id"] == worker.pk and r["level"] == "INFO" for r in requests)


def test_a_task_queued_in_a_request_carries_its_id(client, worker, team_client):
    """The message on the broker has the request's id in its headers (Redis, not eager)."""
    import redis
    from django.db import transaction

    from outreach.celery import app

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    r = redis.Redis.from_url(url)
    r.delete("interactive")
    client.force_login(worker)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # The copy is queued on commit; run the commit hooks inside the request.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
            response = client.post(
                f"/clients/{team_client.pk}/copy/",
                {"language": "en"},
                HTTP_X_REQUEST_ID="req-copy-1",
            )
    finally:
        app.conf.task_always_eager = eager
    assert response.status_code == 302
    messages = [json.loads(m) for m in r.lrange("interactive", 0, -1)]
    r.delete("interactive")
    assert [(m["headers"]["task"], m["headers"]["request_id"]) for m in messages] == [
        ("outreach.tasks.client_copy_build", "req-copy-1")
    ]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_logs_under_the_id_the_task_carries(json_log):
    """A real worker (in a thread, on Redis) runs a task sent under a request id and logs it."""
    from celery.contrib.testing.worker import start_worker

    from outreach.celery import app
    from outreach.ops import tasks as ops_tasks

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    app.loader.import_module("celery.contrib.testing.tasks")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=["interactive"], loglevel="INFO"
        ):
            logging.getLogger().addHandler(json_log.handler)  # the worker set up logging again
            token = requestid.set_current("sent-from-request-7")
            try:
                result = ops_tasks.heartbeat.apply_async()
            finally:
                requestid.reset(token)
            deadline = timezone.now() + timedelta(seconds=30)
            while timezone.now() < deadline:
                if any(
                    r.get("task_id") == result.id and r["message"] == "task finished"
                    for r in _lines(json_log)
                ):
                    break
                import time

                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = eager
    mine = [r for r in _lines(json_log) if r.get("task_id") == result.id]
    assert [r["message"] for r in mine] == ["task started", "task finished"]
    assert {r["request_id"] for r in mine} == {"sent-from-request-7"}
    assert mine[1]["state"] == "SUCCESS"


PERSONAL = ("Ivanova", "Maria", "Petrova", "Elena", "met her near the station", "Z-ANNA")


def test_no_personal_data_in_the_logs(
    client,
    worker,
    supervisor,
    team_client,
    team,
    json_log,
    django_capture_on_commit_callbacks,
    tandem,
):
    """Representative requests and tasks; every log line is scanned for names, codes and notes."""
    from tests.factories import ClientFactory, EpisodeFactory

    second = ClientFactory(team=team, tandem=tandem, given_name="Elena", family_name="Petrova")
    EpisodeFactory(client=second, tandem=tandem)
    ContactFactory(client=team_client, note="met her near the station")
    secrets = [*PERSONAL, team_client.code, second.code]
    client.force_login(worker)
    when = timezone.localtime() - timedelta(hours=1)
    assert client.get("/caseload/").status_code == 200
    assert client.get(team_client.get_absolute_url()).status_code == 200
    assert client.get("/clients/search/", {"q": "Ivanova"}).status_code == 200
    assert client.get("/clients/search/", {"q": team_client.code}).status_code == 200
    response = client.post(
        f"/clients/{team_client.pk}/contacts/new/",
        {
            "started_at": when.strftime("%Y-%m-%dT%H:%M"),
            "mode": "face_to_face",
            "outcome": "met",
            "location": "street",
            "duration_minutes": "30",
            "staff": [tandem.professional_id],
            "note": "met her near the station again",
        },
    )
    assert response.status_code == 302
    # A refused form (a contact in the future) and a page of another client's id.
    client.post(
        f"/clients/{team_client.pk}/contacts/new/",
        {"note": "Maria Ivanova", "duration_minutes": "-5"},
    )
    client.get("/clients/999999/")
    assert client.get("/api/v1/clients/", {"search": "Ivanova"}).status_code == 200
    assert client.get(f"/api/v1/clients/{team_client.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/clients/{team_client.pk}/copy/", {"language": "en"}).status_code == 302
        )
    client.force_login(supervisor)
    assert client.get(f"/clients/{second.pk}/audit/").status_code == 200
    assert client.get("/indicators/figures/").status_code in (200, 302)
    logged = json_log.getvalue()
    assert "task finished" in logged and '"request"' in logged  # the capture works
    found = [s for s in secrets if s.lower() in logged.lower()]
    assert not found, f"personal data in the logs: {found}"


# --- metrics ------------------------------------------------------------------------------


def test_metrics_are_not_public(client, db, settings):
    settings.OUTREACH_METRICS_TOKEN = ""
    settings.OUTREACH_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404  # nothing set: nobody
    settings.OUTREACH_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-metrics-token").status_code == 404
    settings.OUTREACH_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    # A forged X-Forwarded-For is not the caller's address (no trusted proxy).
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404
    settings.OUTREACH_METRICS_ALLOWED_IPS = ["127.0.0.0/8"]  # the test client's address
    assert client.get("/metrics").status_code == 200


def test_metrics_count_requests_queries_and_tasks(client, db, settings, worker, team_client):
    from outreach.ops import tasks as ops_tasks

    settings.OUTREACH_METRICS_TOKEN = "s3cret-metrics-token"
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    ops_tasks.heartbeat.delay()  # eager in tests: counted in this process
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total{" in text
    assert re.search(r'django_http_responses_total_by_status_total\{status="200"\} [1-9]', text)
    assert re.search(r'django_db_execute_total\{alias="default",vendor="\w+"\} [1-9]', text)
    assert re.search(
        r'outreach_celery_task_runs_total\{state="SUCCESS",task="outreach.ops.tasks.heartbeat"\} [1-9]',
        text,
    )
    assert "outreach_celery_task_failures_total" in text
    assert team_client.family_name not in text


def test_a_failed_task_is_counted(db, json_log):
    from celery import shared_task

    from outreach.celery import app
    from outreach.ops import metrics

    @shared_task(name="tests.always_fails")
    def always_fails():
        raise ValueError("Maria Ivanova")

    before = metrics.task_failures.labels("tests.always_fails", "ValueError")._value.get()
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False  # as a worker: the failure is recorded, not raised
    try:
        assert always_fails.delay().failed()
    finally:
        app.conf.task_eager_propagates = propagates
    failed = [r for r in _lines(json_log) if r["message"] == "task failed"]
    assert [(r["task"], r["error"], r["level"]) for r in failed] == [
        ("tests.always_fails", "ValueError", "ERROR")
    ]
    after = metrics.task_failures.labels("tests.always_fails", "ValueError")._value.get()
    assert after == before + 1


# --- Sentry -------------------------------------------------------------------------------


def test_sentry_scrub_leaves_no_personal_data():
    event = {
        "request": {
            "method": "POST",
            "url": "https://o.example.org/clients/search/?q=Ivanova",
            "query_string": "q=Ivanova",
            "data": {"note": "Maria Ivanova"},
            "cookies": {"sessionid": "x"},
            "headers": {"Cookie": "sessionid=x", "User-Agent": "ua"},
        },
        "user": {
            "id": 7,
            "username": "mivanova",
            "email": "m@example.org",
            "ip_address": "1.2.3.4",
        },
        "extra": {"client": "Maria Ivanova"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "Key (code)=(Z-ANNA) already exists",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"name": "Ivanova"}}]},
                }
            ]
        },
        "breadcrumbs": {
            "values": [{"category": "query", "message": "SELECT ... 'Ivanova'", "data": {"p": 1}}]
        },
    }
    scrubbed = json.dumps(sentry.scrub(event, {}))
    for text in ("Ivanova", "Z-ANNA", "mivanova", "1.2.3.4", "sessionid", "m@example.org"):
        assert text not in scrubbed
    assert event["request"] == {"method": "POST", "url": "https://o.example.org/clients/search/"}
    assert event["user"] == {"id": 7}
    assert event["exception"]["values"][0]["type"] == "IntegrityError"


def test_sentry_sends_an_error_without_personal_data():
    """The SDK set up as settings do with SENTRY_DSN, an error with a name in a local variable
    and in its message: what would be sent holds neither."""
    import sentry_sdk

    sent: list[dict] = []

    class Capture(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    sent.append(item.payload.json)

    sentry.init("https://public@sentry.example.org/1", transport=Capture)
    try:
        client_name = " ".join(["Maria", "Ivan" + "ova"])  # not in the source lines sent
        try:
            raise ValueError(f"cannot file {client_name}")
        except ValueError:
            sentry_sdk.capture_exception()
        sentry_sdk.flush()
        assert sentry_sdk.get_client().options["send_default_pii"] is False
    finally:
        sentry_sdk.init()  # off again
    assert len(sent) == 1
    assert "Ivanova" not in json.dumps(sent[0])
    assert sent[0]["exception"]["values"][0]["type"] == "ValueError"
