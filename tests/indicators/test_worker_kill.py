"""A real Celery worker on Redis is SIGKILLed in the middle of a snapshot and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from indicators import engine
from indicators.models import IndicatorSnapshot, SnapshotRun
from indicators.periods import Period, Scope
from outreach.models import Client, Contact, Episode

from .conftest import local

REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/7")
ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip():
    try:
        import redis

        r = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        r.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return r


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(tmp_path: Path, name: str, marker: Path | None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "DEBUG": "true",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLOW_SNAPSHOT_MARKER", None)
    if marker is not None:
        env["SLOW_SNAPSHOT_MARKER"] = str(marker)
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "indicators" / "worker_main.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_snapshot_leaves_exactly_one_correct_snapshot(
    team, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (the worker shares the database)")
    r = _redis_or_skip()
    r.flushdb()  # this test's own Redis database: no stale messages

    for i, started in enumerate((date(2026, 1, 1), date(2026, 8, 1), date(2026, 9, 30))):
        client = Client.objects.create(team=team, given_name=f"K{i}")
        Episode.objects.create(client=client, started_on=started)
        Contact.objects.create(client=client, started_at=local(2026, 9, 1 + i))
    expected = engine.compute(Period.parse("2026-Q3"), Scope.team(team.slug))

    from celery import Celery

    # Celery prefers the CELERY_BROKER_URL variable to the broker argument: point both here.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    sender = Celery("kill-test", broker=REDIS_URL, set_as_current=False)  # keep the app tasks use
    marker = tmp_path / "computing"
    workers: list[subprocess.Popen] = []
    try:
        slow = _start_worker(tmp_path, "worker-1", marker)
        workers.append(slow)
        sender.send_task(
            "indicators.tasks.snapshot_refresh",
            args=["2026-Q3", f"team:{team.slug}"],
            queue="indicators",  # its queue by the task routes of the settings
        )
        _wait(marker.exists, 60, "the first worker to be in the middle of the snapshot")
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait(10)
        assert IndicatorSnapshot.objects.count() == 0  # nothing half-written
        assert SnapshotRun.objects.get().status == "running"  # the attempt that died

        workers.append(_start_worker(tmp_path, "worker-2", None))
        _wait(
            lambda: SnapshotRun.objects.filter(status="succeeded").exists(),
            90,
            "the restarted worker to finish the redelivered task",
        )
        time.sleep(6)  # longer than the visibility timeout: no second delivery shows up
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                try:
                    w.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(w.pid, signal.SIGKILL)
        sender.close()

    snapshot = IndicatorSnapshot.objects.get()
    assert (snapshot.status, snapshot.version) == ("draft", 1)
    assert snapshot.values == expected
    assert SnapshotRun.objects.filter(status="succeeded").count() == 1
