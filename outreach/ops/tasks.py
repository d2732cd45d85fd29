"""Operations tasks: the heartbeat (beat sends it, an interactive worker runs it)."""

from __future__ import annotations

import time

from celery import shared_task

HEARTBEAT_KEY = "outreach:heartbeat"


@shared_task(name="outreach.ops.tasks.heartbeat", ignore_result=True)
def heartbeat() -> float:
    """Record in the broker's Redis when beat and a worker last worked together."""
    from outreach.celery import app

    now = time.time()
    url = app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).set(HEARTBEAT_KEY, str(now), ex=3600)
    return now
