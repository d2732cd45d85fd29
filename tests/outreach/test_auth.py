from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.models import AuditEvent

PASSWORD = "correct-horse-battery"


@pytest.fixture
def require_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = True
    # django-otp slows down retries after a wrong code; the flow tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_login_then_enrol_totp_then_recovery_code(client, worker, team_client, require_2fa):
    response = client.post(
        reverse("outreach:login"), {"username": worker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    # Every page asks for the second factor first; a new account is sent to set it up.
    response = client.get(team_client.get_absolute_url())
    assert response.status_code == 302 and "/account/2fa/verify/" in response["Location"]
    response = client.get(response["Location"], follow=True)
    assert "/account/2fa/setup/" in response.redirect_chain[-1][0]
    assert "<svg" in response.content.decode()
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    assert client.post("/account/2fa/setup/", {"token": "000000"}).status_code == 400
    response = client.post("/account/2fa/setup/", {"token": _code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get(team_client.get_absolute_url()).status_code == 200

    # Next sign-in: the code of the app, or a recovery code once.
    client.logout()
    client.post(reverse("outreach:login"), {"username": worker.username, "password": PASSWORD})
    assert client.get(team_client.get_absolute_url()).status_code == 302
    assert client.post("/account/2fa/verify/", {"token": "123"}).status_code == 400
    response = client.post(
        "/account/2fa/verify/", {"token": codes[0], "next": team_client.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == team_client.get_absolute_url()
    assert client.get(team_client.get_absolute_url()).status_code == 200
    client.logout()
    client.post(reverse("outreach:login"), {"username": worker.username, "password": PASSWORD})
    assert client.post("/account/2fa/verify/", {"token": codes[0]}).status_code == 400  # used up
    assert AuditEvent.objects.filter(actor=worker, action="auth.2fa_enrolled").exists()


def test_api_with_session_needs_second_factor(client, worker, team_client, require_2fa):
    client.post(reverse("outreach:login"), {"username": worker.username, "password": PASSWORD})
    assert client.get("/api/v1/clients/").status_code == 403


def test_lockout_after_repeated_failures(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("outreach:login"),
            {"username": worker.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    response = client.post(
        reverse("outreach:login"),
        {"username": worker.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Keyed on username and IP together: the same person from another address is not locked out.
    response = client.post(
        reverse("outreach:login"),
        {"username": worker.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302


def test_logout(client, worker):
    client.force_login(worker)
    response = client.post(reverse("outreach:logout"))
    assert response.status_code == 302
    assert client.get(reverse("outreach:caseload")).status_code == 302
