"""Behind the documented proxy the lockout keys on the client's address, as the audit log does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.origin import client_ip

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _sign_in(client, user, password, forwarded_for):
    return client.post(
        reverse("outreach:login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_lockout_keys_on_the_client_behind_the_proxy_not_on_the_proxy(
    client, worker, settings, behind_one_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, worker, "wrong", "203.0.113.5")
    assert _sign_in(client, worker, PASSWORD, "203.0.113.5").status_code == 429
    # Another client behind the same proxy is not locked out of the account.
    assert _sign_in(client, worker, PASSWORD, "198.51.100.7").status_code == 302


def test_a_forged_forwarded_entry_does_not_escape_the_lockout(
    client, worker, settings, behind_one_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, worker, "wrong", "203.0.113.5")
    # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    forged = "198.51.100.7, 203.0.113.5"
    assert _sign_in(client, worker, PASSWORD, forged).status_code == 429


def test_lockout_and_audit_use_one_address_rule(rf, settings, behind_one_proxy):
    from axes.helpers import get_client_ip_address

    request = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert get_client_ip_address(request) == client_ip(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 0
    assert get_client_ip_address(request) == client_ip(request) == PROXY
