"""The answer to an uncaught error (`handler500`): a database that cannot be reached is a 503
with a retry hint (a page, or JSON under /api/), never a traceback; anything else is the usual
plain 500 page. Rendered without the database (no menu, no context processors)."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)


def _database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if not _database_unavailable(exc):
        return HttpResponseServerError(loader.render_to_string("500.html"))
    logger.warning("database unavailable", extra={"error": type(exc).__name__})
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again in a minute.")},
            status=503,
        )
    else:
        response = HttpResponse(
            loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
