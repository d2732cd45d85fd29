"""Every URL route × every role × an object of another team: no leak, ever.

A route's URL parameters are filled with objects of `team` by the fixtures
`route_param_<url_name>__<param>` (for one route, `-` and `:` as `_`) or else
`route_param_<param>` in tests/route_params/<app>.py. A new route whose parameter has no
such fixture fails here, so nobody can add a page without it being swept.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes that are not about client data (login, 2FA, schema, admin, static).
PUBLIC_OR_ACCOUNT = re.compile(
    r"^(accounts/|account/2fa/|i18n/|admin/|api/schema/|public/|static/)"
)
# Roles that must never see the team's client data.
OUTSIDE_ROLES = ["outsider", "outside_supervisor", "partner", "admin", "dpo"]
# The data-protection officer's access report lists the municipality's clients by code (audit
# rows, nothing clinical): there, and only there, the code may appear, never the name.
DPO_SEES_CODES = {"access-report/"}
# Coordinators see aggregates and referrals of their municipality, never a client record.
NO_CLIENT_RECORD_ROLES = ["coordinator"]


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}_" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name or ''}"


def _routes():
    seen = set()
    for route, name in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "")
        if PUBLIC_OR_ACCOUNT.match(route) or "format" in route:
            continue
        if route in seen:
            continue
        seen.add(route)
        yield pytest.param(route, re.sub(r"\W", "_", name), id=route)


ROUTES = sorted(_routes())
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _fill(route: str, url_name: str, request) -> str:
    def sub(match):
        name = match.group(2) or match.group(3)
        try:
            return str(request.getfixturevalue(f"route_param_{url_name}__{name}"))
        except pytest.FixtureLookupError:
            return str(request.getfixturevalue(f"route_param_{name}"))

    return "/" + PARAM.sub(sub, route)


@pytest.mark.parametrize(("route", "url_name"), ROUTES)
@pytest.mark.parametrize("role", OUTSIDE_ROLES + NO_CLIENT_RECORD_ROLES)
def test_no_leak_to_other_teams_and_roles(
    route, url_name, role, client, users_by_role, team_client, request
):
    url = _fill(route, url_name, request)
    client.force_login(users_by_role[role])
    response = client.get(url)
    has_object = bool(PARAM.search(route))
    if has_object:
        assert response.status_code in (404, 405), f"{role} got {response.status_code} for {url}"
    else:
        assert response.status_code in (200, 302, 404, 405), (
            f"{role} got {response.status_code} for {url}"
        )
    body = response.content.decode(errors="replace")
    assert team_client.family_name not in body, f"{role} saw the client's name at {url}"
    if not (role == "dpo" and route in DPO_SEES_CODES):
        assert team_client.code not in body, f"{role} saw the client's code at {url}"


@pytest.mark.parametrize(("route", "url_name"), [r for r in ROUTES if PARAM.search(r.values[0])])
def test_anonymous_is_sent_to_login_or_refused(route, url_name, client, team_client, request):
    url = _fill(route, url_name, request)
    response = client.get(url)
    if route.startswith("api/"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


CORE_CLIENT_PAGES = [
    "/clients/{c}/",
    "/clients/{c}/edit/",
    "/clients/{c}/contacts/new/",
    "/clients/{c}/support/new/",
    "/clients/{c}/consents/new/",
    "/api/v1/clients/{c}/",
]


@pytest.mark.parametrize("path", CORE_CLIENT_PAGES)
@pytest.mark.parametrize("role", ["worker", "peer", "supervisor"])
def test_team_roles_are_allowed(path, role, client, users_by_role, team_client):
    client.force_login(users_by_role[role])
    response = client.get(path.format(c=team_client.pk))
    assert response.status_code == 200
    assert team_client.family_name in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("worker", 404), ("peer", 404)])
def test_audit_trail_is_for_supervisors(role, status, client, users_by_role, team_client):
    client.force_login(users_by_role[role])
    assert client.get(f"/clients/{team_client.pk}/audit/").status_code == status
