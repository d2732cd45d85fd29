"""Pages of data protection: erase a record on request, make and download the client's copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outreach import access, audit, erasure
from outreach.dataprotection_forms import ErasureForm
from outreach.models import Client
from outreach.origin import Origin


def _client_if(request: HttpRequest, pk: int, question, *, action: str) -> Client:
    """The client, if the user may open it and the question says yes; audited only then."""
    client = get_object_or_404(
        access.visible_clients(request.user).select_related("team", "tandem"), pk=pk
    )
    if not question(request.user, client):
        raise Http404
    audit.record(action=action, target=client, origin=Origin.from_request(request))
    return client


@login_required
@require_http_methods(["GET", "POST"])
def client_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Say what an erasure does, ask the legal reason, and erase the record on confirmation."""
    client = _client_if(request, pk, access.can_erase_client, action="client.view")
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.client_erase(
                client=client,
                legal_reason=form.cleaned_data["legal_reason"],
                note=form.cleaned_data["note"],
                actor=request.user,
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The record has been anonymised."))
            return redirect(client)
    return render(
        request,
        "outreach/client_erase.html",
        {
            "client": client,
            "form": form,
            "erasable": erasure.can_be_erased(client),
            "what": erasure.plan_for(client).described(),
        },
    )
