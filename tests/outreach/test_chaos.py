"""Faults (issue 18, item 3), `-m chaos`: a Redis of the test's own is stopped under the app.

Contact logging and pages go on while Redis (cache and broker) is down; /readyz says which
check failed; a task that could not be queued is marked failed, never a 500 after the save;
when Redis is back, everything is ready again. (The database being unreachable is in
tests/outreach/test_operability.py: a clear 503 page, never a traceback.)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import ClientExport, Contact

pytestmark = pytest.mark.chaos


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise AssertionError("the throwaway redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # only our own process, by its id
            self.proc.wait(10)


def _reset_connections(app) -> None:
    """Drop Celery's pooled broker connections so that the next send uses the new broker URL."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per connection in a registry of its own; one made on the closed
    # pool would answer "Acquire on closed pool" to every later test that sends a task.
    pools.reset()


@pytest.fixture
def throwaway_redis(tmp_path, settings, monkeypatch):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    from outreach.celery import app

    server = ThrowawayRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "outreach.ops.cache.TolerantRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = server.url
    # Celery prefers the CELERY_BROKER_URL variable to its configuration: point both here.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    before = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False
    _reset_connections(app)
    try:
        yield server
    finally:
        server.stop()
        app.conf.broker_url, app.conf.task_always_eager = before
        _reset_connections(app)


def _log_contact(client, team_client, note: str):
    when = timezone.localtime() - timedelta(hours=1)
    return client.post(
        f"/clients/{team_client.pk}/contacts/new/",
        {
            "started_at": when.strftime("%Y-%m-%dT%H:%M"),
            "mode": "face_to_face",
            "outcome": "met",
            "location": "street",
            "duration_minutes": "30",
            "staff": [team_client.tandem.professional_id],
            "note": note,
        },
    )


@pytest.mark.celery_worker  # tasks go to the (throwaway) broker, not in-process
def test_contacts_are_logged_and_pages_served_while_redis_is_down(
    client, worker, team_client, throwaway_redis
):
    client.force_login(worker)
    assert client.get("/readyz").status_code == 200
    assert _log_contact(client, team_client, "before the outage").status_code == 302

    throwaway_redis.stop()
    response = _log_contact(client, team_client, "during the outage")
    assert response.status_code == 302  # saved, and the user is told so
    assert client.get(team_client.get_absolute_url()).status_code == 200
    assert client.get("/caseload/").status_code == 200
    assert client.get("/indicators/my-work/").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["broker", "cache"]

    throwaway_redis.start()
    assert client.get("/readyz").status_code == 200
    assert _log_contact(client, team_client, "after the outage").status_code == 302
    notes = list(
        Contact.objects.filter(client=team_client).order_by("id").values_list("note", flat=True)
    )
    assert notes == ["before the outage", "during the outage", "after the outage"]  # each once


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_that_cannot_be_queued_is_marked_failed_not_a_500(
    client, worker, team_client, throwaway_redis
):
    """The client's copy is queued after commit; with the broker down the request stays saved
    and shows as failed (to ask again), and nothing is queued twice when Redis is back."""
    import redis

    client.force_login(worker)
    throwaway_redis.stop()
    response = client.post(f"/clients/{team_client.pk}/copy/", {"language": "en"})
    assert response.status_code == 302
    export = ClientExport.objects.get()
    assert export.status == ClientExport.Status.FAILED
    assert "Try again" in client.get(response["Location"]).content.decode()

    throwaway_redis.start()
    response = client.post(f"/clients/{team_client.pk}/copy/", {"language": "en"})
    assert response.status_code == 302
    assert ClientExport.objects.filter(status=ClientExport.Status.QUEUED).count() == 1
    queued = redis.Redis(port=throwaway_redis.port).llen("interactive")
    assert queued == 1
