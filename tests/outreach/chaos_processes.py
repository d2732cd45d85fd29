"""What the process-level fault tests (test_chaos_processes.py) run: a PostgreSQL cluster of
their own, the app in gunicorn and Celery workers as real processes, and a load of contacts.

Nothing here touches the machine's shared PostgreSQL or Redis database: the cluster is made
with initdb in a temporary directory and listens on a free port, gunicorn and the workers get
free ports and their own Redis (a redis-server of the test's own).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    """The server binaries: CHAOS_PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("CHAOS_PG_BIN"):
        return Path(os.environ["CHAOS_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools() -> str:
    """Why the process fault tests cannot run here, or "" when they can."""
    for name in ("initdb", "pg_ctl"):
        if not (PG_BIN / name).exists():
            return f"{PG_BIN / name} is missing (PostgreSQL server binaries)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "runuser is missing (initdb refuses to run as root)"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if not (VENV_BIN / "gunicorn").exists():
        return "gunicorn is not installed"
    return ""


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, on a free port, trust auth on 127.0.0.1."""

    def __init__(self):
        # Not under pytest's tmp_path: its parents are closed to the `postgres` user.
        self.base = Path(tempfile.mkdtemp(prefix="outreach-chaos-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.log = self.base / "postgres.log"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as `postgres`
            command = ["runuser", "-u", "postgres", "--", *command]
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert run.returncode == 0, f"{args[0]} failed: {run.stdout[-1500:]}{run.stderr[-1500:]}"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.base.chmod(0o700)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        self.start()

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log),
                  "-w", "-t", "30", "start")  # fmt: skip

    def restart(self) -> None:
        """A fast restart: every session is ended, the server stops and starts again."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log),
                  "-m", "fast", "-w", "-t", "30", "restart")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.connect() as conn:
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{clause}')


class ThrowawayRedis:
    def __init__(self, base: Path):
        self.port = free_port()
        self.base = base
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.base)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
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
            self.proc.kill()  # our own process, by its id
            self.proc.wait(10)


def app_env(database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of the app's processes: production settings, our database and Redis."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "CELERY_", "CACHE_", "PYTEST_", "PROMETHEUS_"))
    }
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CACHE_URL=broker_url,
        DJANGO_SETTINGS_MODULE="outreach.settings",
        PYTHONPATH=str(ROOT),
        DEBUG="false",
        SECRET_KEY="chaos-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        REQUIRE_2FA="false",
        STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
        API_THROTTLE_TOKEN="1000000/hour",
        METRICS_TOKEN="chaos-metrics-" + secrets.token_urlsafe(16),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 180):
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    return run.stdout


SEED = """
import json
from datetime import timedelta
from django.utils import timezone
from outreach.accounts.services import _hash
from outreach.models import ApiToken, Client, Episode, Municipality, Role, Tandem, Team, User
m = Municipality.objects.create(slug="chaos", name="Chaos")
team = Team.objects.create(slug="chaos", name="Chaos", municipality=m)
pro = User.objects.create_user("chaos-pro", password="chaos-password-2026", role=Role.PROFESSIONAL)
peer = User.objects.create_user("chaos-peer", password="chaos-password-2026", role=Role.PEER)
for u in (pro, peer):
    u.teams.add(team)
tandem = Tandem.objects.create(team=team, professional=pro, peer=peer,
    started_on=timezone.localdate() - timedelta(days=30))
client = Client.objects.create(team=team, tandem=tandem, given_name="Chaos", family_name="Test")
Episode.objects.create(client=client, tandem=tandem,
    started_on=timezone.localdate() - timedelta(days=20))
key = "c0ffee00c0ffee00." + "k" * 40
now = timezone.now()
ApiToken.objects.create(user=pro, name="chaos", prefix="c0ffee00c0ffee00", key_hash=_hash(key),
    created_at=now, expires_at=now + timedelta(days=5))
print("SEED " + json.dumps({"client": client.pk, "staff": pro.pk, "token": key}))
"""


def seed(env: dict[str, str]) -> dict:
    out = manage(env, "shell", stdin=SEED)
    line = next(x for x in out.splitlines() if x.startswith("SEED "))
    return json.loads(line[5:])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class Process:
    """A process group of the app's (gunicorn, a Celery worker) with its log in a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.proc.pid

    def children(self) -> list[int]:
        return _children(self.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own group, by its id
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()


def gunicorn(env: dict[str, str], logs: Path, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        "gunicorn",
        [str(VENV_BIN / "gunicorn"), "outreach.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5"],
        env, logs,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        assert process.proc.poll() is None, "gunicorn exited:\n" + process.log()[-3000:]
        try:
            if requests.get(base + "/readyz", timeout=2).status_code == 200:
                if len(process.children()) >= workers:
                    return process, base
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.stop()
    raise AssertionError("gunicorn never ready:\n" + process.log()[-3000:])


# --- the load: contacts over the API, each with an Idempotency-Key, retried until saved ---------


@dataclass
class Load:
    base: str
    token: str
    client_pk: int
    staff_pk: int
    threads: int = 4
    # What came back: per attempt (key, status or the error's class name, body start).
    answers: list[tuple[str, object, str]] = field(default_factory=list)
    saved: set[str] = field(default_factory=set)  # keys whose contact got a success answer
    unsaved: set[str] = field(default_factory=set)  # keys given up without a success answer
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _body(self, key: str) -> dict:
        return {
            "client": self.client_pk,
            "started_at": "2026-01-05T10:00:00Z",
            "duration_minutes": 20,
            "mode": "face_to_face",
            "outcome": "met",
            "location": "street",
            "staff": [self.staff_pk],
            "note": f"chaos {key}",
        }

    def _one(self, session: requests.Session, key: str, give_up: float) -> bool:
        while time.monotonic() < give_up:
            try:
                response = session.post(
                    self.base + "/api/v1/contacts/",
                    json=self._body(key),
                    headers={"Authorization": f"Token {self.token}", "Idempotency-Key": key},
                    timeout=20,
                )
                answer: object = response.status_code
                text = response.text[:400]
                retry_after = response.headers.get("Retry-After")
            except requests.RequestException as exc:
                answer, text, retry_after = type(exc).__name__, str(exc)[:200], None
            with self._lock:
                self.answers.append((key, answer, text))
            if answer == 201:
                return True
            if answer == 503 and retry_after:
                time.sleep(0.2)  # the page says "try again": the client does, with the same key
                continue
            if isinstance(answer, str):
                time.sleep(0.2)  # the connection broke: the answer is unknown, send it again
                continue
            return False  # anything else is a failure the test reports
        return False

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            key = str(uuid.uuid4())
            ok = self._one(session, key, give_up=time.monotonic() + 30)
            with self._lock:
                (self.saved if ok else self.unsaved).add(key)

    def start(self) -> None:
        for _ in range(self.threads):
            worker = threading.Thread(target=self._run, daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(40)

    def successes_after(self, index: int) -> int:
        return sum(1 for _k, a, _t in self.answers[index:] if a == 201)

    def stored(self, conn: psycopg.Connection) -> dict[str, int]:
        rows = conn.execute(
            "SELECT note, count(*) FROM outreach_contact WHERE note LIKE 'chaos %' GROUP BY note"
        ).fetchall()
        return {note[len("chaos ") :]: n for note, n in rows}
