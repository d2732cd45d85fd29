"""Throttling per API token: each token has its own budget; over it the API answers 429."""

from __future__ import annotations

import pytest

from outreach.accounts.services import api_token_create
from tests.factories import make_origin


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/hour", "user": "2/hour", "anon": "1/hour"},
    }


def _get(client, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return client.get("/api/v1/clients/", **headers)


def test_each_token_has_its_own_budget(client, worker, low_rates):
    one = api_token_create(owner=worker, origin=make_origin(), name="one").key
    two = api_token_create(owner=worker, origin=make_origin(), name="two").key
    assert [_get(client, one).status_code for _ in range(3)] == [200, 200, 200]
    over = _get(client, one)
    assert over.status_code == 429 and int(over["Retry-After"]) > 0
    assert "throttled" in over.json()["detail"]
    assert _get(client, two).status_code == 200  # another token of the same user


def test_a_session_counts_against_its_user(client, worker, low_rates):
    client.force_login(worker)
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 429]


def test_the_default_rates_are_configured(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"token", "user", "anon"}
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "outreach.throttling.ApiRateThrottle"
    ]
