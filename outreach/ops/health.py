"""`/healthz` (the process answers) and `/readyz` (it can serve: database, broker, migrations).

Both answer without login and carry no data: a JSON object of check names and "ok" or the kind
of failure (an exception's class name, never its message). `/readyz` answers 503 when a check
fails. Neither writes anything.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# Applied migrations stay applied: once seen complete, the (costly) graph is read again only
# after this many seconds.
MIGRATIONS_RECHECK_SECONDS = 60
_migrations_ok_at: float | None = None


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _migrations() -> str:
    global _migrations_ok_at
    now = time.monotonic()
    if _migrations_ok_at is not None and now - _migrations_ok_at < MIGRATIONS_RECHECK_SECONDS:
        return "ok"
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        _migrations_ok_at = None
        return f"fail: {len(plan)} not applied"
    _migrations_ok_at = now
    return "ok"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "ok"  # tasks run in-process: there is no broker to wait for
    from outreach.celery import app

    with app.connection_for_write(url) as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.OUTREACH_READYZ_TIMEOUT)
    return "ok"


def _cache() -> str:
    from django.core.cache import cache

    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:  # Redis: ask it (the tolerant cache hides an outage from pages)
        client(write=True).ping()
    else:
        cache.get("outreach:readyz")
    return "ok"


CHECKS = {
    "database": _database,
    "migrations": _migrations,
    "broker": _broker,
    "cache": _cache,
}


def readiness() -> dict[str, str]:
    """Run every check; a check that raises reports the exception's class name."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "fail: database unreachable"
            continue
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure makes the process not ready
            results[name] = f"fail: {type(exc).__name__}"
    return results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    failed = sorted(k for k, v in checks.items() if v != "ok")
    if failed:
        logger.warning("not ready", extra={"failed": failed})
        response = JsonResponse({"status": "fail", "failed": failed, "checks": checks}, status=503)
        response["Retry-After"] = "10"
        return response
    return JsonResponse({"status": "ok", "checks": checks})
