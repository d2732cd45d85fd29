"""The schema says what the API answers (issue 16, item 3): each rule asserted on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from outreach.accounts.services import api_token_create
from outreach.models import ApiToken
from tests.factories import ContactFactory, MunicipalityFactory, make_origin


@pytest.fixture
def schema(client, worker):
    client.force_login(worker)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    client.logout()
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        for code in ("401", "403", "404", "429"):
            assert code in responses, f"{method} {path} lacks {code}"
        assert "WWW-Authenticate" in responses["401"]["headers"]
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if method in {"post", "patch"} or query:
            assert "400" in responses, f"{method} {path} lacks 400"
        if method in {"post", "patch"}:
            assert "415" in responses
            if "requestBody" in operation:  # an action without a body (re-score) has none
                assert set(operation["requestBody"]["content"]) == {"application/json"}
        if method == "post":
            assert "422" in responses, f"{method} {path} lacks 422"
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "Idempotency-Key" in names


def test_blank_choices_are_in_the_enums(schema):
    contact = schema["components"]["schemas"]["ContactOut"]["properties"]
    for name in ("location", "failure_reason"):
        refs = [s.get("$ref", "") for s in contact[name]["oneOf"]]
        assert "#/components/schemas/BlankEnum" in refs, name
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_careplan_patch_requires_version_and_documents_409(schema):
    patch = schema["paths"]["/api/v1/careplans/{id}/"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "version" in body["required"]
    assert "what_matters" in body["properties"]
    conflict = patch["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert "current" in schema["components"]["schemas"][conflict.rsplit("/", 1)[1]]["properties"]


def test_id_filters_say_their_range_and_accept_any_id_in_it(client, worker, team_client, schema):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/clients/"]["get"]["parameters"]}
    assert params["tandem"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    client.force_login(worker)
    # Outside the documented range: the documented 400; any id inside it: a list, maybe empty.
    assert client.get("/api/v1/clients/", {"tandem": 0}).status_code == 400
    response = client.get("/api/v1/clients/", {"tandem": 999999})
    assert response.status_code == 200 and response.json()["results"] == []
    mine = client.get("/api/v1/clients/", {"tandem": team_client.tandem_id}).json()
    assert [c["id"] for c in mine["results"]] == [team_client.pk]


def test_a_page_past_the_end_is_a_documented_404(client, worker, team_client):
    client.force_login(worker)
    response = client.get("/api/v1/clients/", {"page": 99})
    assert response.status_code == 404 and response.json() == {"detail": "Invalid page."}


def test_unmatched_api_paths_answer_json(client, worker):
    client.force_login(worker)
    response = client.get("/api/v1/clients/x%00y/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_bad_or_expired_token_is_401_with_www_authenticate(client, worker, team_client):
    for header in ("Token nope.nope", "Token a b"):
        response = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    new = api_token_create(owner=worker, origin=make_origin(), name="old script")
    ApiToken.objects.filter(pk=new.token.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Token {new.key}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_referral_to_an_unknown_municipality_is_404(client, partner):
    client.force_login(partner)
    for municipality in (999999, MunicipalityFactory().pk):
        response = client.post(
            "/api/v1/referrals/",
            {"municipality": municipality, "source": "gp", "given_name": "A", "reasons": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404


def test_contact_answers_match_the_enums(client, worker, team_client):
    ContactFactory(client=team_client, author=worker, location="", failure_reason="")
    CarePlan.objects.get_or_create(episode=team_client.episodes.first())
    client.force_login(worker)
    row = client.get("/api/v1/contacts/").json()["results"][0]
    assert row["location"] == "" and row["failure_reason"] == ""
