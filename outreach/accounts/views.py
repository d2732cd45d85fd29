"""The owner's API tokens: make one after the second factor (key shown once), list, revoke."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from outreach import access
from outreach.accounts import selectors, services
from outreach.accounts.forms import ApiTokenForm
from outreach.forms import apply_validation_error
from outreach.origin import Origin


def _second_factor_first(request: HttpRequest) -> HttpResponse | None:
    if access.can_manage_api_tokens(request.user):
        return None
    return redirect(f"{reverse('outreach:2fa-verify')}?{urlencode({'next': request.path})}")


@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request: HttpRequest) -> HttpResponse:
    """List the user's own API tokens and make a new one; its key is shown in this answer only."""
    if refused := _second_factor_first(request):
        return refused
    form = ApiTokenForm(request.POST or None)
    new = None
    if request.method == "POST" and form.is_valid():
        try:
            new = services.api_token_create(
                owner=request.user, origin=Origin.from_request(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "new": new,
        "tokens": list(selectors.api_token_list(user=request.user)),
    }
    response = render(
        request, "outreach/api_tokens.html", context, status=400 if form.errors else 200
    )
    # The key is in this page once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens; anyone else's is a 404."""
    if refused := _second_factor_first(request):
        return refused
    token = get_object_or_404(selectors.api_token_list(user=request.user), pk=pk)
    services.api_token_revoke(token=token, actor=request.user, origin=Origin.from_request(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("outreach:apitoken-list")
