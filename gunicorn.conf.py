"""gunicorn's settings, read from the working directory by every `gunicorn outreach.wsgi:...`
(docker-compose, the Dockerfile, .ci/smoke-processes).

Prometheus with several workers: each worker is a process of its own, so a scrape of /metrics
would see the counters of whichever worker answered it. prometheus_client's multiprocess mode
makes every worker write its values to files in PROMETHEUS_MULTIPROC_DIR and /metrics adds them
up (django-prometheus's export view reads them when the variable is set). The directory is
emptied when gunicorn starts (values of an earlier run would be counted again) and a worker that
exits is marked dead (its live gauges are dropped; its counters stay in the totals). Without the
variable a directory of this run's own is made, so two gunicorns never share one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_made_dir = ""
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set here, in the master, before any worker imports prometheus_client.
    _made_dir = tempfile.mkdtemp(prefix="outreach-prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_dir


def on_starting(server) -> None:
    path = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _made_dir:
        shutil.rmtree(_made_dir, ignore_errors=True)
