"""Request guards: the second factor for every staff account, and no caching of what they see."""

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


class NoStoreMiddleware:
    """Keep every answer to a signed-in user out of browser and proxy caches.

    Client pages, the API (session or token: DRF puts its user on the request), PDFs and CSVs
    hold health data; `no-store` keeps them off disk and out of shared caches and the back
    button. Static files (answered by WhiteNoise, which sits before this) and anonymous pages
    such as the public summary stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
