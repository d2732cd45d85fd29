"""Require a second factor for every staff account once it has signed in with a password."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/account/2fa/", "/accounts/logout/", "/i18n/", "/public/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.OUTREACH_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect(
                f"{reverse('outreach:2fa-verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
