"""Idempotent create forms (issue 13, item 3).

A create form carries a hidden token, new each time the empty form is served (the template tag
`{% submission_token %}`, kept when an invalid form is shown again). The view, decorated with
`idempotent_create`, records the token before it saves and, once saved, where it led; a second
submission of the same form (Back and submit again, a reload, a double click, a retried request)
is not saved again but led to the record already saved, with the message "Already saved".
A submission without a token (an old page, a script) is handled as before.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models import SubmissionToken

FIELD = "submission_token"
# A form is sent again within minutes or days, not months: older tokens are let go.
KEPT = timedelta(days=30)
ALREADY_SAVED = _("Already saved: this form was sent before, nothing new was recorded.")


def token_of(request: HttpRequest) -> uuid.UUID | None:
    """The form's token, or else the `Idempotency-Key` header the phone's outbox sends."""
    raw = request.POST.get(FIELD, "") or request.META.get("HTTP_IDEMPOTENCY_KEY", "")
    try:
        return uuid.UUID(raw[:64])
    except ValueError:
        return None


def form_token(request: HttpRequest | None) -> str:
    """The token of a form being served: the one it was submitted with, or a new one."""
    if request is not None and request.method == "POST":
        token = token_of(request)
        if token is not None:
            return str(token)
    return str(uuid.uuid4())


def _done(request: HttpRequest, token: uuid.UUID, wait: float = 3.0) -> HttpResponse | None:
    """Lead to what the token's first submission saved (waiting a moment if still saving)."""
    deadline = time.monotonic() + wait
    while True:
        url = (
            SubmissionToken.objects.filter(user=request.user, token=token)
            .values_list("url", flat=True)
            .first()
        )
        if url is None:
            return None
        if url or time.monotonic() >= deadline:
            messages.info(request, ALREADY_SAVED)
            return redirect(url or request.path)
        time.sleep(0.1)


def idempotent_create(edit_kwarg: str | None = None) -> Callable:
    """Decorate a create view (or a create-or-edit view whose `edit_kwarg` names the object)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = token_of(request) if request.method == "POST" else None
            if (
                token is None
                or not request.user.is_authenticated
                or (edit_kwarg and kwargs.get(edit_kwarg) is not None)
            ):
                return view(request, *args, **kwargs)
            done = _done(request, token)
            if done is not None:
                return done
            try:
                with transaction.atomic():
                    entry = SubmissionToken.objects.create(
                        user=request.user, token=token, path=request.path[:300]
                    )
            except IntegrityError:
                # The same form sent twice at once: the other request is saving it.
                return _done(request, token) or redirect(request.path)
            saved = False
            try:
                response = view(request, *args, **kwargs)
                saved = 300 <= response.status_code < 400 and response.has_header("Location")
                if saved:
                    entry.url = response["Location"][:300]
                    entry.save(update_fields=["url"])
                    SubmissionToken.objects.filter(
                        user=request.user, created_at__lt=timezone.now() - KEPT
                    ).delete()
                return response
            finally:
                if not saved:
                    # Not saved (invalid, refused, failed): the same form may be sent again.
                    entry.delete()

        return wrapped

    return decorate
