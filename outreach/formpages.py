"""The one way a page of a client's record shows a form and saves it through its service.

Case-record events, safeguarding records and the living situation all follow it: find the
client (404 outside the user's teams), audit the read, bind the form, call the service with the
actor and origin, turn a service's ValidationError into form errors, and answer an invalid form
with 400 so that a test, a script or the offline outbox can tell it from a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from outreach import access
from outreach.forms import apply_validation_error
from outreach.models import Client
from outreach.origin import Origin

FORM_TEMPLATE = "outreach/caserecord/event_form.html"


def _invalid(form, extra_forms: Iterable[Any]) -> bool:
    if form.errors:
        return True
    for other in extra_forms:
        if getattr(other, "errors", None):
            return True
        non_form_errors = getattr(other, "non_form_errors", None)
        if non_form_errors is not None and non_form_errors():
            return True
    return False


def render_client_form(
    request: HttpRequest,
    client: Client,
    form,
    title,
    *,
    template: str = FORM_TEMPLATE,
    **extra: Any,
) -> HttpResponse:
    """The form page of a client's record: 400 when the form (or a formset beside it) is invalid."""
    return render(
        request,
        template,
        {"client": client, "form": form, "title": title, **extra},
        status=400 if _invalid(form, extra.get("extra_forms", ())) else 200,
    )


def client_record_form(
    request: HttpRequest,
    client_pk: int,
    *,
    form_class: type[forms.ModelForm],
    save: Callable[..., Any],
    param: str,
    title,
    saved,
    model: type[models.Model] | None = None,
    pk: int | None = None,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    extra_kwargs: Callable[[forms.ModelForm], dict[str, Any]] | None = None,
    back: str = "",
    template: str = FORM_TEMPLATE,
) -> HttpResponse:
    """Create (pk None) or edit one record of a client through its service.

    `save` is called as save(client=, actor=, origin=, <param>=unsaved instance, **extra_kwargs);
    after a save the user goes to the `back` route of the client, or to the client page.
    """
    client = access.client_or_404(request, client_pk)
    instance = None
    if pk is not None:
        if model is None:
            raise TypeError("editing a record needs its model")
        instance = get_object_or_404(
            access.scoped(model.objects.filter(client=client), request.user, via="client"), pk=pk
        )
    access.audit_read(request, client, action="client.view")
    form = form_class(
        request.POST or None,
        client=client,
        instance=instance,
        initial=initial or {},
        **(form_kwargs or {}),
    )
    if request.method == "POST" and form.is_valid():
        kwargs = {param: form.save(commit=False)}
        if extra_kwargs is not None:
            kwargs.update(extra_kwargs(form))
        try:
            save(client=client, actor=request.user, origin=Origin.from_request(request), **kwargs)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(reverse(back, args=[client.pk]) if back else client)
    return render_client_form(request, client, form, title, template=template, back=back)
