"""One id per request, in every log line of the request and of the Celery tasks it queues.

The id comes from the `X-Request-ID` header when it is a plain token (letters, digits, `.`, `_`,
`-`, at most 64), else a new one is made; it is answered in the same header. A task queued while
a request is handled carries it in its message headers (`before_task_publish`) and the worker
logs under it (`task_prerun`); a task queued by beat gets an id of its own.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

logger = logging.getLogger("outreach.request")


def get() -> str:
    return _current.get()


def set_current(value: str) -> contextvars.Token:
    return _current.set(value)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def new_id() -> str:
    return uuid.uuid4().hex


def from_header(value: str | None) -> str:
    """The caller's id when it is a plain token (never an arbitrary string in the logs)."""
    if value and _TOKEN.match(value):
        return value
    return new_id()


# Celery hands a task's arguments and return value to its log records (`data`): they stay out.
_DATA_KEPT = {"id", "name", "runtime", "eta", "hostname"}


class RequestIdFilter(logging.Filter):
    """Give every log record the current request id (empty outside a request or task), and
    keep tasks' arguments and results out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _current.get()
        data = getattr(record, "data", None)
        if isinstance(data, dict) and record.name.startswith("celery."):
            record.data = {k: v for k, v in data.items() if k in _DATA_KEPT}
        return True


class RequestIdMiddleware:
    """Set the request id, answer it, and log one line per request without personal data.

    The line names the URL pattern (`clients/<int:pk>/`), never the path or query string (a
    search for a name), with the method, status, duration and the user's id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = from_header(request.headers.get(HEADER))
        token = _current.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match is not None else "(unresolved)",
                    "view": match.view_name if match is not None else "",
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            _current.reset(token)
