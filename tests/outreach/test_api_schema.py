"""The OpenAPI schema describes the API to its users only: signed in, or with a token."""

from __future__ import annotations

from outreach.accounts.services import api_token_create
from tests.factories import make_origin


def test_anonymous_gets_401_for_the_schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert b"/api/v1/contacts/" not in response.content


def test_signed_in_user_and_token_client_get_the_schema(client, worker, settings):
    client.force_login(worker)
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/contacts/" in response.content
    client.logout()
    key = api_token_create(owner=worker, origin=make_origin(), name="generator").key
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and b"/api/v1/contacts/" in response.content


def test_session_without_the_second_factor_gets_no_schema(client, worker, settings):
    settings.OUTREACH_REQUIRE_2FA = True
    client.force_login(worker)  # password only, not verified
    assert client.get("/api/schema/").status_code == 403
