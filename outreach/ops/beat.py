"""Celery beat that sends only while it holds a Redis lock: two beats never send twice.

A second beat (started by mistake, or kept for failover) ticks without sending until the lock
holder stops renewing it (it died, or lost Redis), `BEAT_LOCK_SECONDS` at the most; then it
takes over. Each tick renews the lock (CELERY_BEAT_MAX_INTERVAL is well under its lifetime).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

KEY = "outreach:beat-lock"
# Renew only our own lock; release only our own lock (compare and act in one step).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class BeatLock:
    """A lease in Redis: `hold()` is True while this owner has it (taking or renewing it)."""

    def __init__(self, client, *, ttl_seconds: int, key: str = KEY, owner: str | None = None):
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_seconds * 1000)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False

    def hold(self) -> bool:
        try:
            if self.held and self.client.eval(_RENEW, 1, self.key, self.owner, self.ttl_ms):
                return True
            taken = bool(self.client.set(self.key, self.owner, nx=True, px=self.ttl_ms))
        except Exception as exc:  # noqa: BLE001 - no Redis: send nothing rather than twice
            if self.held:
                logger.warning("beat lock lost", extra={"error": type(exc).__name__})
            self.held = False
            return False
        if taken != self.held:
            logger.info(
                "beat lock taken" if taken else "beat lock lost", extra={"owner": self.owner}
            )
        self.held = taken
        return taken

    def release(self) -> None:
        try:
            self.client.eval(_RELEASE, 1, self.key, self.owner)
        except Exception:  # noqa: BLE001,S110 - it expires by itself
            pass
        self.held = False


def lock_for(app) -> BeatLock | None:
    """The lock in the broker's Redis (None when the broker is not Redis)."""
    from django.conf import settings

    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    return BeatLock(client, ttl_seconds=settings.OUTREACH_BEAT_LOCK_SECONDS)


class LockedScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock = lock_for(self.app)
        if self.lock is None:
            logger.warning("beat runs without a lock: the broker is not Redis")

    def tick(self, *args, **kwargs) -> float:
        if self.lock is not None and not self.lock.hold():
            return self.max_interval  # stand by; try again on the next tick
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
