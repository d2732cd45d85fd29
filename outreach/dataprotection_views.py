"""Pages of data protection: erase a record on request, make and download the client's copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import access, audit, clientcopy, erasure
from outreach.dataprotection_forms import ErasureForm, ExportForm
from outreach.models import Client, ClientExport
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


def _own_copy(request: HttpRequest, client: Client, export_pk: int) -> ClientExport:
    """A copy of this client asked for by this user; anyone else's is a 404."""
    return get_object_or_404(
        ClientExport.objects.defer("archive"),
        pk=export_pk,
        client=client,
        requested_by=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the client's copy of their record (PDF and JSON), and list the ones asked for."""
    client = _client_if(request, pk, access.can_export_client, action="client.view")
    form = ExportForm(request.POST or None, initial={"language": client.preferred_language or "bg"})
    if request.method == "POST" and form.is_valid():
        try:
            export = clientcopy.copy_request(
                client=client,
                actor=request.user,
                language=form.cleaned_data["language"],
                origin=Origin.from_request(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("outreach:client-copy-status", pk=client.pk, export_pk=export.pk)
    exports = ClientExport.objects.defer("archive").filter(
        client=client, requested_by=request.user
    )[:20]
    return render(
        request,
        "outreach/client_copy.html",
        {"client": client, "form": form, "exports": list(exports)},
    )


@login_required
@require_GET
def client_copy_status(request: HttpRequest, pk: int, export_pk: int) -> HttpResponse:
    """How far the copy is; htmx asks for the status part again while it is being made."""
    if request.htmx:
        # The poll shows only the copy's progress, none of the record: not audited as a read.
        client = get_object_or_404(access.visible_clients(request.user), pk=pk)
        if not access.can_export_client(request.user, client):
            raise Http404
        export = _own_copy(request, client, export_pk)
        return render(
            request, "outreach/_client_copy_status.html", {"client": client, "export": export}
        )
    client = _client_if(request, pk, access.can_export_client, action="client.view")
    export = _own_copy(request, client, export_pk)
    return render(request, "outreach/client_copy_status.html", {"client": client, "export": export})


@login_required
@require_POST
def client_copy_download(request: HttpRequest, pk: int, export_pk: int) -> HttpResponse:
    """Hand the copy over once; a second try says it was downloaded already."""
    client = get_object_or_404(access.visible_clients(request.user), pk=pk)
    if not access.can_export_client(request.user, client):
        raise Http404
    export = _own_copy(request, client, export_pk)
    try:
        name, data = clientcopy.copy_download(
            export=export, actor=request.user, origin=Origin.from_request(request)
        )
    except clientcopy.CopyGone:
        export.refresh_from_db(fields=["status", "downloaded_at"])
        return render(
            request,
            "outreach/client_copy_gone.html",
            {"client": client, "export": export},
            status=410,
        )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
