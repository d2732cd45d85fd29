"""Production mode in a real browser: DEBUG off, hashed static files, sign-in with a TOTP code."""

from __future__ import annotations

import time

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PHONE

PASSWORD = "correct-horse-battery"


@pytest.fixture
def production_server(transactional_db, production_static):
    """A live server built after the settings above, so WhiteNoise serves the collected files.

    pytest-django's `live_server` starts once per session with Django's own static handler,
    which knows nothing of hashed names; production serves them with WhiteNoise.
    """
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("localhost", lambda app: app, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_sign_in_with_totp_in_production_mode(
    chromium_browser, production_server, settings, worker, team_client
):
    assert settings.DEBUG is False
    settings.OUTREACH_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)

    context = chromium_browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, base_url=production_server
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 500 or (r.status >= 400 and "/static/" in r.url)
            else None
        ),
    )
    try:
        page.goto(team_client.get_absolute_url())
        # Not signed in: the login page, then the second step before any client data.
        page.get_by_label("Username").fill(worker.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/account/2fa/verify/**")
        assert team_client.family_name not in page.content()

        page.get_by_label("Code").fill("000000" if _code(device) != "000000" else "111111")
        page.get_by_role("button", name="Continue").click()
        assert "That code is not right" in page.content()
        time.sleep(1.2)  # django-otp's throttle: one second after a wrong code

        page.get_by_label("Code").fill(_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"**{team_client.get_absolute_url()}")
        assert team_client.family_name in page.content()
        # The stylesheet came from the hashed, collected files (production's storage).
        hashed = page.eval_on_selector("link[rel=stylesheet]", "el => el.getAttribute('href')")
        assert hashed.count(".") >= 2, hashed
        assert failed == [], failed
    finally:
        context.close()
