"""Faults under load, with the app in real processes (issue 18, item 3), `-m chaos`.

A PostgreSQL cluster of the tests' own (initdb on a free port; the machine's shared server is
never touched), migrated once per module and copied per test; a redis-server of each test's
own; the app in gunicorn with two workers and Celery workers as in production. Four threads
post contacts over the API, each with an Idempotency-Key, and send a contact again with the
same key when the answer was a 503 with Retry-After or the connection broke.

- PostgreSQL restarts (`pg_ctl restart -m fast`) in the middle: every answer is a success or a
  503 with a retry hint (never a traceback, never a 500).
- A gunicorn worker is SIGKILLed: its requests in flight break, the master starts a new worker
  and requests succeed again.
- A Celery worker is SIGKILLed while it runs the client's copy: the task is delivered again and
  the copy is made once.

Afterwards every contact that got a success answer is in the database exactly once, and no
contact is there that never got one.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from tests.outreach import chaos_processes as cp

pytestmark = [
    pytest.mark.chaos,
    pytest.mark.skipif(bool(cp.missing_tools()), reason=cp.missing_tools() or "ok"),
]

TEMPLATE = "outreach_chaos_template"


@pytest.fixture(scope="module")
def cluster():
    pg = cp.ThrowawayPostgres()
    pg.init()
    try:
        pg.create_database(TEMPLATE)
        cp.manage(cp.app_env(pg.url(TEMPLATE), "redis://127.0.0.1:1/0"), "migrate", "-v0")
        yield pg
    finally:
        pg.stop()


@pytest.fixture
def stack(cluster, tmp_path, request):
    """A database copied from the migrated one, a Redis, the environment and a seeded client."""
    name = f"chaos_{request.node.name[:40].lower()}_{os.getpid()}"
    cluster.create_database(name, template=TEMPLATE)
    redis = cp.ThrowawayRedis(tmp_path / "redis")
    redis.start()
    env = cp.app_env(cluster.url(name), redis.url)
    processes: list[cp.Process] = []
    try:
        yield {
            "pg": cluster,
            "db": name,
            "redis": redis,
            "env": env,
            "seed": cp.seed(env),
            "logs": tmp_path,
            "processes": processes,
        }
    finally:
        for process in processes:
            process.stop()
        redis.stop()


def _web(stack, workers: int = 2):
    process, base = cp.gunicorn(stack["env"], stack["logs"], workers=workers)
    stack["processes"].append(process)
    return process, base


def _load(stack, base: str) -> cp.Load:
    seed = stack["seed"]
    return cp.Load(base=base, token=seed["token"], client_pk=seed["client"], staff_pk=seed["staff"])


def _assert_nothing_lost_or_doubled(stack, load: cp.Load) -> None:
    with stack["pg"].connect(stack["db"]) as conn:
        stored = load.stored(conn)
    assert not load.unsaved, f"contacts never saved: {len(load.unsaved)}"
    doubled = {k: n for k, n in stored.items() if n != 1}
    assert not doubled, f"contacts stored more than once: {doubled}"
    assert set(stored) == load.saved  # each success is there; nothing without one


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_postgresql_restart_under_load_gives_503s_and_loses_nothing(stack):
    _gunicorn, base = _web(stack)
    load = _load(stack, base)
    load.start()
    try:
        _wait_for(lambda: load.successes_after(0) >= 20, 20, "no contacts saved before the fault")
        before = len(load.answers)
        stack["pg"].restart()
        restarted = len(load.answers)
        _wait_for(
            lambda: load.successes_after(restarted) >= 20, 20, "nothing saved after the restart"
        )
    finally:
        load.stop()

    failures = [(s, t) for _k, s, t in load.answers if s != 201]
    for status, text in failures:
        assert status == 503, f"an answer that is neither a success nor a 503: {status} {text}"
        assert "try again" in text and "Traceback" not in text, text
    assert before < restarted or failures, "the restart happened while nothing was in flight"
    _assert_nothing_lost_or_doubled(stack, load)
