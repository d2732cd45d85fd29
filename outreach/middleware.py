"""Request guards: the second factor for every staff account, no caching of what they see, and
the answers to the phone's outbox."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = (
    "/static/",
    "/account/2fa/",
    "/account/language/",
    "/accounts/logout/",
    "/i18n/",
    "/public/",
    "/healthz",
    "/readyz",
    "/metrics",
)


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


class UserLanguageMiddleware:
    """Speak the signed-in user's own language, whatever browser they sign in from.

    LocaleMiddleware (before authentication) picks the cookie's or the browser's language; a
    user who chose a language keeps it on their account, so it wins here and the cookie follows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = user.language if user is not None and user.is_authenticated else ""
        if chosen and chosen != translation.get_language():
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        # Read again: the language form may just have changed it.
        chosen = user.language if user is not None and user.is_authenticated else ""
        name = settings.LANGUAGE_COOKIE_NAME
        if chosen and request.COOKIES.get(name) != chosen and name not in response.cookies:
            response.set_cookie(
                name,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


OUTBOX_HEADER = "HTTP_X_OUTREACH_OUTBOX"


class OutboxAnswerMiddleware:
    """Tell the phone's outbox where a queued form's POST led (static/outreach/outbox.js).

    A form sent by `fetch` cannot see where a redirect points (an opaque redirect), so it
    cannot tell "saved, here is the record" from "your session ended, sign in". For a POST
    marked `X-Outreach-Outbox`, a redirect is answered as JSON instead: the location, and
    whether it is the sign-in (or second-factor) page. Everything else passes unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method != "POST"
            or not request.META.get(OUTBOX_HEADER)
            or not 300 <= response.status_code < 400
            or not response.has_header("Location")
        ):
            return response
        location = response["Location"]
        path = urlsplit(location).path
        signin = path in (reverse(settings.LOGIN_URL), reverse("outreach:2fa-verify"))
        answer = JsonResponse({"location": location, "signin": signin})
        answer["X-Outbox-Answer"] = "redirect"
        answer.cookies = response.cookies
        return answer


class ApiJsonErrorsMiddleware:
    """Answer errors under /api/ in JSON, as the schema says, also where no API view answered.

    A path that no API route matches (`/api/v1/clients/x%00/`) gets Django's HTML 404 page;
    an API client gets `{"detail": "Not found."}` instead. API views answer JSON themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = _("Not found.") if response.status_code == 404 else _("Method not allowed.")
            json_response = JsonResponse({"detail": str(detail)}, status=response.status_code)
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
