"""Every URL route × every role × an object of another team: no leak, ever.

A route's URL parameters are filled with objects of `team` by the fixtures
`route_param_<url_name>__<param>` (for one route, `-` and `:` as `_`) or else
`route_param_<param>` in tests/route_params/<app>.py. A new route whose parameter has no
such fixture fails here, so nobody can add a page without it being swept.

Each route is swept with every method its view accepts (read from the view: see
`_view_methods`), so POST-only actions (sign a plan, re-score a referral, revoke a token) get
their outsider test, and a refused request must leave the database as it was (but the audit log).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import db_state

# Routes that are not about client data (login, 2FA, schema, admin, static; the probes and
# metrics, swept apart in tests/outreach/test_operability.py).
PUBLIC_OR_ACCOUNT = re.compile(
    r"^(accounts/|account/2fa/|i18n/|admin/|api/schema/|public/|static/|healthz$|readyz$|metrics$)"
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


# Web pages are swept with GET and POST, the API with every method of REST.
WEB_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")


def _view_methods(route: str) -> set[str]:
    """The HTTP methods the view behind `route` accepts (lower case), read from the view itself.

    DRF viewsets map methods to actions, class-based views define a handler per method, and
    function views are narrowed by `require_http_methods` (and `require_POST`, `require_GET`),
    whose list is in the decorator's closure. A function view without one accepts any method.
    """
    match = get_resolver().resolve("/" + PARAM.sub("1", route))
    view = match.func
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if getattr(view, "actions", None):
        return set(view.actions) & set(view_class.http_method_names) - {"head", "options"}
    if view_class is not None:
        return {m for m in view_class.http_method_names if hasattr(view_class, m)} - {"options"}
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            methods = cell.cell_contents
            if (
                isinstance(methods, list | tuple)
                and methods
                and all(isinstance(m, str) and m.isupper() for m in methods)
            ):
                return {m.lower() for m in methods}
        view = getattr(view, "__wrapped__", None)
    return set(API_METHODS)


def _sweep():
    for route in ROUTES:
        path, url_name = route.values
        accepted = _view_methods(path)
        for method in API_METHODS if path.startswith("api/") else WEB_METHODS:
            yield pytest.param(path, url_name, method, method in accepted, id=f"{method} {path}")


SWEEP = list(_sweep())


def _request(client, method: str, url: str):
    if url.startswith("/api/"):
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url)


def test_the_sweep_reads_the_methods_of_the_views():
    """The introspection finds the narrowed views: POST-only actions are swept with POST."""
    accepted = {path: _view_methods(path) for path, _ in (r.values for r in ROUTES)}
    assert accepted["careplans/plans/<int:plan_pk>/sign/"] == {"post"}
    assert accepted["referrals/<int:pk>/rescore/"] == {"post"}
    assert accepted["clients/<int:client_pk>/events/"] == {"get"}
    assert accepted["clients/<int:pk>/edit/"] == {"get", "post"}
    assert accepted["api/v1/careplans/(?P<pk>[/.]+)/"] == {"get", "patch"}
    assert accepted["api/v1/contacts/"] == {"get", "post"}


@pytest.mark.parametrize(("route", "url_name", "method", "accepted"), SWEEP)
def test_no_leak_to_other_teams_and_roles(
    route, url_name, method, accepted, client, users_by_role, team_client, request
):
    """Each role outside the team, on every method of every route: refused, nothing written.

    A method the route accepts gets 404 on a route with an object (never 405, so POST-only
    actions are swept too); a method it does not accept gets 405. Nothing but the audit log
    changes in the database, whatever the answer.
    """
    url = _fill(route, url_name, request)
    has_object = bool(PARAM.search(route))
    failures = []
    for role in OUTSIDE_ROLES + NO_CLIENT_RECORD_ROLES:
        client.force_login(users_by_role[role])
        before = db_state.writes()
        response = _request(client, method, url)
        changed = db_state.changes(before, db_state.writes())
        status = response.status_code
        if not accepted:
            expected = {405}
        elif has_object:
            expected = {404}
        elif method == "get":
            expected = {200, 302, 404}
        else:
            # A form of the role's own scope sent empty: invalid (200/400), refused, or a page
            # that only sends the role on (the home page); the database says nothing was done.
            expected = {200, 302, 400, 403, 404}
        if status not in expected:
            failures.append(f"{role} got {status} for {method.upper()} {url}")
        if changed:
            failures.append(f"{role}'s {method.upper()} {url} changed {changed}")
        body = response.content.decode(errors="replace")
        shows_code = team_client.code in body and not (role == "dpo" and route in DPO_SEES_CODES)
        if team_client.family_name in body or shows_code:
            failures.append(f"{role} saw the client at {method.upper()} {url}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("route", "url_name", "method", "accepted"), [s for s in SWEEP if PARAM.search(s.values[0])]
)
def test_anonymous_is_sent_to_login_or_refused(
    route, url_name, method, accepted, client, team_client, request
):
    url = _fill(route, url_name, request)
    before = db_state.writes()
    response = _request(client, method, url)
    assert not db_state.changes(before, db_state.writes())
    if route.startswith("api/"):
        assert response.status_code in (401, 403)
    elif not accepted:
        assert response.status_code in (302, 405)
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
