"""Idempotent API writes (issue 16, item 2): every POST under /api/ may carry `Idempotency-Key`.

The first request with a key is answered as usual and, when it succeeds (2xx), its answer is
kept with a hash of its method, path and body. The same user sending the same key and the same
request again within `IDEMPOTENCY_KEY_HOURS` gets that first answer back (status and body, with
`Idempotent-Replayed: true`) and nothing is written; the same key with another request is
answered 422. A request that fails (4xx, 5xx) keeps no key, so it may be sent again.

Two identical requests at once give one record: the first request inserts the key row and keeps
its transaction open while the view runs; the second one's insert waits on the unique
constraint (user, key) until the first commits, then finds the row and replays its answer.

Implemented once, as a middleware, so every API view has it without code of its own. The user
is the one DRF will see: the middleware asks the configured DRF authenticators (a token or a
session); an anonymous or refused request is left to the view.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from outreach.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as a header carries it
PREFIX = "/api/"


def kept_for() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def fingerprint(request: HttpRequest) -> str:
    """A hash of the method, path (with query) and body; JSON bodies compare by their content."""
    body = request.body
    if request.content_type == "application/json":
        try:
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: the raw bytes, and the view says what is wrong
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def api_user(request: HttpRequest):
    """The user DRF's authenticators find for this request, or None (anonymous or refused)."""
    drf_request = Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    for authenticator in drf_request.authenticators:
        try:
            found = authenticator.authenticate(drf_request)
        except APIException:
            return None  # a bad token or a failed CSRF check: the view answers it
        if found is not None:
            return found[0]
    return None


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type or None
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        user = api_user(request)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(
                400,
                _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
            )
        return self._keyed(request, user, key, fingerprint(request))

    def _keyed(self, request: HttpRequest, user, key: str, print_: str) -> HttpResponse:
        with transaction.atomic():
            record = self._claim(user, key, print_)
            if record.status:
                if record.fingerprint != print_:
                    return _error(
                        422,
                        _(
                            "This Idempotency-Key was already used with another request "
                            "(method, path or body). Use a new key for a new request."
                        ),
                    )
                return _replay(record)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                record.status = response.status_code
                record.content_type = response.get("Content-Type", "")[:100]
                record.body = response.content
                record.save(update_fields=["status", "content_type", "body"])
            else:
                record.delete()  # nothing kept: the request may be sent again
            return response

    @staticmethod
    def _claim(user, key: str, print_: str) -> IdempotencyKey:
        """Insert the key row, or lock and return the one already there (a new one if expired)."""
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        except IntegrityError:
            pass
        # Another request has the key; this waited for its transaction to end.
        record = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
        if record.created_at < timezone.now() - kept_for():
            record.delete()
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        return record


def keys_expire(*, now=None) -> int:
    """Delete the keys older than the replay window; return how many."""
    cutoff = (now or timezone.now()) - kept_for()
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
