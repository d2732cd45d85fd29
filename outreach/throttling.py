"""API throttling per token (issue 16, item 4): DRF's cache-based throttles, rates in settings.

A request with an API token counts against that token (`token` rate), so one busy integration
does not slow its owner's other tokens; a session counts against its user (`user` rate); an
anonymous request against its address (`anon` rate, it only ever gets 401). Over the rate the
API answers 429 with `Retry-After` (documented in the schema, outreach/schema.py).
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from outreach.models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:
        pass  # the scope, and so the rate, is known only once the request is authenticated

    def get_rate(self) -> str | None:
        # Read at request time, so a change of the settings applies (and tests can set them).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.scope = self._scope(request)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    @staticmethod
    def _scope(request) -> str:
        if isinstance(request.auth, ApiToken):
            return "token"
        if request.user and request.user.is_authenticated:
            return "user"
        return "anon"

    def get_cache_key(self, request, view):
        if self.scope == "token":
            ident = request.auth.pk
        elif self.scope == "user":
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
