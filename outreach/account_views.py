"""Sign-in with a second factor: TOTP (django-otp) and single-use recovery codes."""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import audit
from outreach.origin import Origin

RECOVERY_CODES = 10


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect(f"/account/2fa/setup/?next={_next(request)}")
    error = ""
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("token", "").strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            audit.record(
                action="auth.2fa_verified",
                origin=Origin.from_request(request),
                detail={"device": device.__class__.__name__},
            )
            return redirect(_next(request))
        error = _("That code is not right. Try the current code of your app, or a recovery code.")
        audit.record(action="auth.2fa_failed", origin=Origin.from_request(request))
    return render(
        request,
        "registration/2fa_verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app, then show recovery codes once."""
    if _confirmed_totp(request.user) and not request.user.is_verified():
        return redirect(f"/account/2fa/verify/?next={_next(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip().replace(" ", "")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
                device.confirmed = True
                device.save()
                static, _created = StaticDevice.objects.get_or_create(
                    user=request.user, name="recovery"
                )
                static.token_set.all().delete()
                codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
                static.token_set.bulk_create([StaticToken(device=static, token=c) for c in codes])
                otp_login(request, device)
                audit.record(action="auth.2fa_enrolled", origin=Origin.from_request(request))
            return render(
                request, "registration/2fa_codes.html", {"codes": codes, "next": _next(request)}
            )
        error = _("That code is not right. Check the time on your phone and try again.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/2fa_setup.html",
        {"qr_svg": svg, "secret": secret_b32, "error": error, "next": _next(request)},
        status=400 if error else 200,
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (the old ones stop working); only after the second factor."""
    if not request.user.is_verified():
        return redirect(f"/account/2fa/verify/?{urlencode({'next': request.path})}")
    if request.method != "POST":
        return render(request, "registration/2fa_codes.html", {"codes": None})
    static, _created = StaticDevice.objects.get_or_create(user=request.user, name="recovery")
    with transaction.atomic():
        static.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        static.token_set.bulk_create([StaticToken(device=static, token=c) for c in codes])
        audit.record(action="auth.recovery_codes_renewed", origin=Origin.from_request(request))
    messages.success(request, _("New recovery codes made. The old ones no longer work."))
    return render(request, "registration/2fa_codes.html", {"codes": codes, "next": "/"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Change the interface language; a signed-in user keeps it on their account."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and code in dict(settings.LANGUAGES)
        and check_for_language(code)
        and user.language != code
    ):
        user.language = code
        user.save(update_fields=["language"])
    return response
