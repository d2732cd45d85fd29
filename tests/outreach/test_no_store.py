"""What a signed-in user is shown is never kept by a browser or proxy cache: `no-store`.

Every route of the access sweep (tests/outreach/test_access_matrix.py), as each team role that
may open it; then a client's downloads, the API and its schema one by one (the report downloads in
tests/indicators/test_report_no_store.py). Static files and
the public summary stay cacheable.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.outreach.test_access_matrix import ROUTES, _fill

PERMITTED_ROLES = ["worker", "supervisor", "coordinator"]


def assert_no_store(response, what):
    assert "no-store" in response.get("Cache-Control", ""), f"{what} may be cached"
    assert response.get("Pragma") == "no-cache", what


@pytest.mark.parametrize(("route", "url_name"), ROUTES)
def test_every_route_answers_signed_in_users_with_no_store(
    route, url_name, client, users_by_role, team_client, request
):
    url = _fill(route, url_name, request)
    for role in PERMITTED_ROLES:
        client.force_login(users_by_role[role])
        response = client.get(url)
        assert_no_store(response, f"{url} ({response.status_code}) for {role}")


@pytest.fixture
def _no_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = False


def test_pages_downloads_and_api_of_a_client_are_not_stored(
    client, worker, team_client, origin, _no_2fa
):
    from careplans import services

    plan = services.careplan_create(
        episode=team_client.episodes.get(), author=worker, what_matters="x", origin=origin
    )
    client.force_login(worker)
    for url in (
        team_client.get_absolute_url(),
        reverse("outreach:caseload"),
        reverse("careplans:careplan-easyread-pdf", args=[plan.pk]),
        f"/api/v1/clients/{team_client.pk}/",
        "/api/v1/clients/",
        "/api/schema/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)


def test_api_token_responses_are_not_stored(client, worker, team_client):
    from outreach.accounts.services import api_token_create
    from tests.factories import make_origin

    key = api_token_create(owner=worker, origin=make_origin(), name="script").key
    response = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert_no_store(response, "the API with a token")


def test_public_summary_may_be_cached(client, db):
    response = client.get(reverse("public:report-summary"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
