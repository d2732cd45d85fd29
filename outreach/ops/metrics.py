"""Prometheus metrics: requests and queries come from django-prometheus, task runs from here.

`/metrics` is never public: it answers only a caller with `Authorization: Bearer
$METRICS_TOKEN` or from an address in `METRICS_ALLOWED_IPS`, and 404 to everyone else (also
when neither is set). The address is the connection's, or the one the trusted proxies saw
(`outreach.origin.client_ip`), never a header the caller wrote.

Celery workers count their tasks in their own process; a worker serves them on
`CELERY_METRICS_PORT` (see `start_worker_exporter`).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

logger = logging.getLogger(__name__)

task_runs = Counter(
    "outreach_celery_task_runs_total", "Celery task runs by task and final state", ["task", "state"]
)
task_failures = Counter(
    "outreach_celery_task_failures_total",
    "Celery task failures by task and error",
    ["task", "error"],
)
task_retries = Counter("outreach_celery_task_retries_total", "Celery task retries", ["task"])
task_duration = Histogram("outreach_celery_task_duration_seconds", "Celery task run time", ["task"])


def _allowed(request: HttpRequest) -> bool:
    from outreach.origin import client_ip

    token = settings.OUTREACH_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:], token):
        return True
    networks = settings.OUTREACH_METRICS_ALLOWED_IPS
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or not _allowed(request):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    response = ExportToDjangoView(request)
    response["Cache-Control"] = "no-store"
    return response


def start_worker_exporter() -> None:
    """Serve the worker's metrics on CELERY_METRICS_PORT (only inside the compose network).

    With prefork children, set PROMETHEUS_MULTIPROC_DIR so that their counters are collected.
    """
    port = os.environ.get("CELERY_METRICS_PORT", "")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    addr = os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0")  # noqa: S104 - the compose network
    start_http_server(int(port), addr=addr, registry=registry)
    logger.info("worker metrics served", extra={"port": int(port)})
