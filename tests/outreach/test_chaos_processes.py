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


def test_a_killed_gunicorn_worker_is_replaced_and_loses_nothing(stack):
    web, base = _web(stack)
    load = _load(stack, base)
    load.start()
    try:
        _wait_for(lambda: load.successes_after(0) >= 20, 20, "no contacts saved before the fault")
        victim = web.children()[0]
        os.kill(victim, signal.SIGKILL)  # a worker of our own gunicorn, by its id
        killed = len(load.answers)
        _wait_for(
            lambda: victim not in web.children() and len(web.children()) == 2,
            20,
            "the master did not start a new worker",
        )
        _wait_for(lambda: load.successes_after(killed) >= 30, 20, "nothing saved after the kill")
    finally:
        load.stop()

    for _key, status, text in load.answers:
        # A request the killed worker held breaks (the connection closes); no page is an error.
        assert status == 201 or isinstance(status, str), f"{status} {text}"
    _assert_nothing_lost_or_doubled(stack, load)


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_add_up_the_counters_of_every_gunicorn_worker(stack):
    """Each gunicorn worker counts in a process of its own; /metrics shows their sum (the
    multiprocess mode set up in gunicorn.conf.py), also after a worker was killed."""
    web, base = _web(stack)
    headers = {"Authorization": "Bearer " + stack["env"]["METRICS_TOKEN"]}
    name = "django_http_responses_total_by_status_view_method_total"
    sent = 0
    for _ in range(3):
        for _ in range(20):
            # A new connection each time: the workers take turns accepting them.
            # (a new worker answers its first request once it has imported the views)
            assert requests.get(base + "/healthz", timeout=30).status_code == 200
            sent += 1
        for _ in range(4):  # whichever worker answers the scrape, the sum is the same
            page = requests.get(base + "/metrics", headers=headers, timeout=30).text
            assert _metric(page, name, view="healthz", status="200") == sent
        victim = web.children()[0]
        os.kill(victim, signal.SIGKILL)  # its counts stay in the sum
        _wait_for(
            lambda v=victim: v not in web.children() and len(web.children()) == 2,
            20,
            "no new worker",
        )


COPY_REQUEST = """
from django.db import transaction
from outreach import clientcopy
from outreach.models import Client, User
from outreach.origin import Origin
with transaction.atomic():  # queued after commit, as from the page
    export = clientcopy.copy_request(client=Client.objects.get(pk=%d),
        actor=User.objects.get(username="chaos-pro"), language="en", origin=Origin.system("chaos"))
print("EXPORT", export.pk)
"""


def _celery_worker(stack, name: str, **env: str) -> cp.Process:
    process = cp.Process(
        name,
        [str(cp.VENV_BIN / "celery"), "-A", "outreach", "worker", "-Q", "interactive",
         "--pool", "prefork", "--concurrency", "1", "-n", f"{name}@%h", "--loglevel", "INFO",
         "--without-mingle", "--without-gossip", "--without-heartbeat"],
        {**stack["env"], "LOG_LEVEL": "INFO", **env}, stack["logs"],
    )  # fmt: skip
    stack["processes"].append(process)
    return process


class CopyCaught:
    """A client's copy asked for, and its task held in its last transaction (the copy made,
    about to be marked ready) by a lock on the audit table that its "copy ready" row waits for."""

    def __init__(self, stack):
        out = cp.manage(stack["env"], "shell", stdin=COPY_REQUEST % stack["seed"]["client"])
        self.export = int(next(x for x in out.splitlines() if x.startswith("EXPORT ")).split()[1])
        self.db = stack["db"]
        self.watch = stack["pg"].connect(self.db)
        self.holder = stack["pg"].connect(self.db)
        self.holder.autocommit = False
        self.holder.execute("LOCK TABLE outreach_auditevent IN EXCLUSIVE MODE")

    def _one(self, sql: str, *args):
        return self.watch.execute(sql, args).fetchone()

    def wait_until_caught(self) -> None:
        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
        )
        _wait_for(lambda: self._one(sql, self.db)[0], 40, "the task never reached its end")

    def release(self) -> None:
        self.holder.rollback()  # the killed run's transaction never commits

    def wait_until_made(self, worker: cp.Process) -> tuple:
        sql = "SELECT status FROM outreach_clientexport WHERE id = %s"
        _wait_for(
            lambda: self._one(sql, self.export)[0] == "ready",
            40,
            "the copy was never made after the kill:\n" + worker.log()[-3000:],
        )
        time.sleep(2)  # a second run, if there were one, would show now
        status, has_archive = self._one(
            "SELECT status, archive IS NOT NULL FROM outreach_clientexport WHERE id = %s",
            self.export,
        )
        made = self._one(
            "SELECT count(*) FROM outreach_auditevent "
            "WHERE action = 'client.copy_ready' AND object_id = %s",
            str(self.export),
        )[0]
        self.watch.close()
        self.holder.close()
        return status, has_archive, made


def test_a_killed_celery_pool_process_gets_its_task_again_and_makes_the_copy_once(stack):
    """The pool process making the copy is SIGKILLed (as the OOM killer does): the message was
    not acknowledged (acks_late), the worker puts it back (reject_on_worker_lost) and a new pool
    process makes the copy, once."""
    caught = CopyCaught(stack)
    worker = _celery_worker(stack, "chaos-copy")
    caught.wait_until_caught()
    (victim,) = worker.children()
    os.kill(victim, signal.SIGKILL)  # the worker's pool process, by its id
    _wait_for(
        lambda: "WorkerLostError" in worker.log() and victim not in worker.children(),
        20,
        "the worker did not see its process lost",
    )
    caught.release()
    assert caught.wait_until_made(worker) == ("ready", True, 1)
    assert worker.log().count("task started") == 2  # the killed run and the one after it


def test_a_killed_celery_worker_leaves_its_task_to_the_next_worker_once(stack):
    """The whole worker (main process and pool) is SIGKILLed mid-task, as when its machine is
    lost: nobody puts the message back, Redis gives it out again after the visibility timeout
    (CELERY_VISIBILITY_TIMEOUT, short here) to the worker started next, which makes the copy
    once."""
    timeout = "6"
    caught = CopyCaught(stack)
    first = _celery_worker(stack, "chaos-first", CELERY_VISIBILITY_TIMEOUT=timeout)
    caught.wait_until_caught()
    delivered = time.monotonic()
    os.killpg(first.pid, signal.SIGKILL)  # our worker's process group, by its id
    first.proc.wait(10)
    caught.release()
    time.sleep(max(0.0, delivered + int(timeout) + 1 - time.monotonic()))
    second = _celery_worker(stack, "chaos-second", CELERY_VISIBILITY_TIMEOUT=timeout)
    assert caught.wait_until_made(second) == ("ready", True, 1)
    assert second.log().count("task started") == 1
