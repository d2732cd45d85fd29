"""Move My work's count generation on after every successful write request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from indicators.mywork import menu

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class WorkChangeMiddleware:
    """A POST (or PUT, PATCH, DELETE) that did not fail may have done or added an item."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 500:
            menu.changed()
        return response
