"""Celery signal handlers: the request id travels with a task, and each run is logged and counted.

Connected once from outreach/celery.py. The log lines name the task and its id, never its
arguments (they are ids and periods here, but a log is no place to find out).
"""

from __future__ import annotations

import logging
import time

from celery import signals

from outreach.ops import metrics, requestid

logger = logging.getLogger("outreach.tasks")
HEADER = "request_id"
_started: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def _add_request_id(headers: dict | None = None, **_kwargs) -> None:
    if headers is not None and not headers.get(HEADER):
        headers[HEADER] = requestid.get() or requestid.new_id()


@signals.task_prerun.connect
def _task_started(task_id: str = "", task=None, **_kwargs) -> None:
    # A worker reads the id from the message headers; an eager run (in the request's own
    # process and context) keeps the request's id.
    carried = getattr(task.request, HEADER, None) if task is not None else None
    token = requestid.set_current(carried or requestid.get() or requestid.new_id())
    _started[task_id] = (time.monotonic(), token)
    logger.info("task started", extra={"task": task.name if task else "", "task_id": task_id})


@signals.task_postrun.connect
def _task_finished(task_id: str = "", task=None, state: str | None = None, **_kwargs) -> None:
    started, token = _started.pop(task_id, (None, None))
    name = task.name if task else ""
    metrics.task_runs.labels(name, state or "UNKNOWN").inc()
    extra = {"task": name, "task_id": task_id, "state": state}
    if started is not None:
        duration = time.monotonic() - started
        metrics.task_duration.labels(name).observe(duration)
        extra["duration_ms"] = round(duration * 1000, 1)
    logger.info("task finished", extra=extra)
    if token is not None:
        try:
            requestid.reset(token)
        except ValueError:  # reset from another context (should not happen); leave it
            pass


@signals.task_failure.connect
def _task_failed(sender=None, task_id: str = "", exception=None, **_kwargs) -> None:
    name = getattr(sender, "name", "")
    metrics.task_failures.labels(name, type(exception).__name__).inc()
    logger.error(
        "task failed",
        extra={"task": name, "task_id": task_id, "error": type(exception).__name__},
    )


@signals.task_retry.connect
def _task_retried(sender=None, reason=None, **_kwargs) -> None:
    name = getattr(sender, "name", "")
    metrics.task_retries.labels(name).inc()
    logger.warning("task retried", extra={"task": name, "reason": type(reason).__name__})


@signals.worker_ready.connect
def _serve_worker_metrics(**_kwargs) -> None:
    metrics.start_worker_exporter()
