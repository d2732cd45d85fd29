"""The production shape (issue 18, item 6): queues by kind, one beat at a time, the compose file."""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from outreach.celery import app
from outreach.ops.beat import BeatLock, LockedScheduler

ROOT = Path(__file__).resolve().parents[2]
QUEUES = {"interactive", "reports", "indicators"}


def _redis():
    import redis

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL pointing at Redis")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return client


def _our_tasks() -> list[str]:
    app.loader.import_default_modules()
    # Tasks of the project's apps; a test may register a throwaway task of its own ("tests.").
    ours = ("outreach.", "referrals.", "careplans.", "indicators.")
    return sorted(n for n in app.tasks if n.startswith(ours))


def test_every_task_has_a_queue_of_its_kind():
    tasks = _our_tasks()
    assert "indicators.tasks.render_report_pdf" in tasks
    unrouted = [t for t in tasks if t not in settings.CELERY_TASK_ROUTES]
    assert not unrouted, f"tasks without a route in CELERY_TASK_ROUTES: {unrouted}"
    routed = {t: app.amqp.router.route({}, t)["queue"].name for t in tasks}
    assert set(routed.values()) == QUEUES
    assert routed["indicators.tasks.render_report_pdf"] == "reports"
    assert routed["indicators.tasks.snapshot_refresh"] == "indicators"
    assert routed["outreach.tasks.client_copy_build"] == "interactive"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_workers_consume_every_queue_and_reports_apart():
    services = _compose()["services"]
    consumed: dict[str, set[str]] = {}
    for name, service in services.items():
        command = service.get("command", "")
        command = " ".join(command) if isinstance(command, list) else command
        if " worker" in f" {command}":
            queues = command.split("-Q ", 1)[1].split()[0].split(",")
            consumed[name] = set(queues)
    assert set().union(*consumed.values()) == QUEUES
    reports = [n for n, q in consumed.items() if "reports" in q]
    assert reports and all(
        consumed[n] == {"reports"} for n in reports
    )  # never in front of a contact's


def test_compose_persists_redis_and_archives_wal():
    services = _compose()["services"]
    redis_command = services["redis"]["command"]
    assert "--appendonly yes" in redis_command
    assert any(v.endswith(":/data") for v in services["redis"]["volumes"])
    db = " ".join(services["db"]["command"])
    assert "archive_mode=on" in db and "wal_level=replica" in db
    assert "archive_command=" in db
    assert any(":/wal-archive" in v for v in services["db"]["volumes"])


# --- one beat at a time --------------------------------------------------------------------


def test_the_beat_lock_is_held_by_one_of_many_at_once():
    r = _redis()
    key = f"test:beat-lock:{uuid.uuid4().hex}"
    locks = [BeatLock(r, ttl_seconds=5, key=key) for _ in range(12)]
    start = threading.Barrier(len(locks))
    results: dict[int, bool] = {}

    def contend(i: int) -> None:
        start.wait()
        results[i] = locks[i].hold()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(len(locks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        winners = [i for i, held in results.items() if held]
        assert len(winners) == 1
        holder = locks[winners[0]]
        assert holder.hold()  # renews its own lease
        others = [lock for lock in locks if lock is not holder]
        assert not any(lock.hold() for lock in others)
        others[0].release()  # a stand-by cannot drop the holder's lock
        assert r.get(key).decode() == holder.owner
        holder.release()
        assert others[0].hold()  # the lease is free: a stand-by takes over
    finally:
        r.delete(key)


def test_a_stand_by_takes_over_when_the_holder_stops_renewing():
    r = _redis()
    key = f"test:beat-lock:{uuid.uuid4().hex}"
    first, second = (BeatLock(r, ttl_seconds=1, key=key) for _ in range(2))
    try:
        assert first.hold() and not second.hold()
        time.sleep(1.3)  # the first beat died: no renewal
        assert second.hold()
        assert not first.hold()  # back again, it stands by
    finally:
        r.delete(key)


def test_no_redis_means_nothing_is_sent():
    import redis

    lock = BeatLock(redis.Redis(port=1, socket_connect_timeout=0.2), ttl_seconds=5)
    assert lock.hold() is False


class _Counting(LockedScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.sent += 1
        return super().apply_async(entry, producer, advance, **kwargs)


@pytest.mark.celery_worker  # tasks go to the broker, not run in-process
def test_two_beats_started_send_each_task_once(tmp_path, settings):
    """Two schedulers tick side by side for a few seconds: one sends, the other stands by, and
    every message on the queue came from the one holding the lock."""
    r = _redis()
    r.delete("interactive", "outreach:beat-lock")
    settings.OUTREACH_BEAT_LOCK_SECONDS = 5
    schedule = {"hb": {"task": "outreach.ops.tasks.heartbeat", "schedule": 0.5}}
    before = app.conf.beat_schedule
    app.conf.beat_schedule = schedule
    beats = []
    try:
        for i in range(2):
            beat = _Counting(app=app, schedule_filename=str(tmp_path / f"beat{i}"), lazy=False)
            beat.sent = 0
            beats.append(beat)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for beat in beats:
                beat.tick()
            time.sleep(0.1)
        sent = sorted(b.sent for b in beats)
        queued = r.llen("interactive")
    finally:
        for beat in beats:
            beat.close()
        app.conf.beat_schedule = before
        r.delete("interactive")
    assert sent[0] == 0 and sent[1] >= 4, sent
    assert queued == sent[1]
    assert r.get("outreach:beat-lock") is None  # released at close
