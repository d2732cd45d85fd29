"""Run a Celery worker for tests/indicators/test_worker_kill.py.

With SLOW_SNAPSHOT_MARKER set, `engine.compute` writes that file once it has the values and then
sleeps inside the snapshot's transaction, so that the test can SIGKILL the worker mid-snapshot.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
django.setup()

from indicators import engine  # noqa: E402
from outreach.celery import app  # noqa: E402

# Give an unacknowledged message back to the queue quickly after its worker died.
app.conf.broker_transport_options = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

marker = os.environ.get("SLOW_SNAPSHOT_MARKER")
if marker:
    real_compute = engine.compute

    def slow_compute(*args, **kwargs):
        values = real_compute(*args, **kwargs)
        Path(marker).write_text("computing")
        time.sleep(120)
        return values

    engine.compute = slow_compute

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--queues=interactive,reports,indicators",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
    )
