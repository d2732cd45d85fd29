"""Load test: 50 field workers logging contacts at once, on loopback, against gunicorn.

Usage: python bench/load.py [--users 50] [--seconds 60] [--workers 4]
Needs PostgreSQL (DATABASE_URL, default a local `outreach_load` database that it recreates) and
locust (`pip install locust`). Writes bench/LOAD.md with the p95 of each request and the errors.
Targets (DESIGN §5): p95 under 200 ms, no errors.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8766


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/outreach_load")
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        [
            "psql",
            admin,
            "-qc",
            f'DROP DATABASE IF EXISTS "{name}"',
            "-c",
            f'CREATE DATABASE "{name}"',
        ],
        check=True,
    )  # noqa: S603, S607
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        # The second factor is a sign-in step, not part of logging a contact.
        "REQUIRE_2FA": "false",
        "AXES_FAILURE_LIMIT": "1000",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "outreach.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "load"
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    "2",
                    "--reset-stats",
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    f"http://127.0.0.1:{PORT}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                cwd=ROOT,
                check=False,
            )
            rows = list(csv.DictReader((Path(f"{prefix}_stats.csv")).open()))
    finally:
        server.terminate()
        server.wait(20)
    load = os.getloadavg()[0]
    lines = [
        "# Load test",
        "",
        f"`python bench/load.py --users {args.users} --seconds {args.seconds} --workers {args.workers}`: "
        "simulated field workers sign in, then repeat caseload → client page → contact form → save "
        "with a person's pauses (about one contact every 25 s per worker), against gunicorn on "
        "loopback with PostgreSQL and the demo data.",
        "Users start at 2 per second (sign-in is a deliberately slow password hash); the "
        "statistics are reset once all have started, so they describe the steady state.",
        "Target (DESIGN §5): p95 under 200 ms, no errors.",
        "",
        "| request | requests | failures | median ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} |"
        )
    lines += [
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), load average {load:.1f} at the end; "
        "the load generator runs on the same machine.",
        "",
    ]
    (ROOT / "bench" / "LOAD.md").write_text("\n".join(lines))
    print("\n".join(lines))
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    return 0 if total and total["Failure Count"] == "0" else 1


if __name__ == "__main__":
    sys.exit(main())
