"""A GET never stores anything but the audit log (issue 11 item 5, issue 14 item 2).

Every route of the `indicators` and `public` namespaces (found by walking the URL resolver, so a
new page is swept without anyone adding it here) is opened with GET, with its parameters filled
from demo-like data, as every role (and anonymously). Around each GET the rows of every table of
every installed model are counted, and the indicators tables compared row by row (a recompute
rewrites a draft in place, which a count would not see): only AuditEvent rows may be added.

Demo-like data: Team Centre with its August 2026 events, a draft report of 2026-08 and a
published one of 2026-07 (with a rendered PDF), a refresh queued for 2026-06, and nothing
computed for the running month, for 2026-05 or for the default period: a page that computed on
GET would store a snapshot here, and a PDF page that rendered on GET a document.
"""

from __future__ import annotations

import re
from itertools import product

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from indicators import drilldown, reports, services
from indicators.models import IndicatorSnapshot, Report, ReportDocument, SnapshotRun
from indicators.periods import Period, Scope
from outreach.models import AuditEvent

NAMESPACES = ("indicators", "public")
ROLES = [
    "supervisor",
    "coordinator",
    "worker",
    "peer",
    "partner",
    "admin",
    "outsider",
    "outside_supervisor",
    "anonymous",
]
# Who may open a route (they must get a page, not a 404, at least once); everyone else is
# swept too, with the first set of parameters.
MAY_OPEN = {
    "public:report-summary": {"anonymous", "supervisor", "coordinator", "worker", "partner"},
    "indicators:caseload-review": {"supervisor"},
    "indicators:my-work": {"worker", "supervisor"},
    "indicators:my-work-count": {"worker", "supervisor"},
    # Its GET asks for confirmation; only the POST publishes.
    "indicators:report-publish": {"coordinator"},
}
FIGURE_READERS = {"supervisor", "coordinator"}
# Routes for a POST only: their GET is refused (405) for everyone, and writes nothing.
POST_ONLY = {
    "indicators:report-create",
    "indicators:report-refresh",
    "indicators:report-correct",
    "indicators:report-pdf-prepare",
    "indicators:team-figures-refresh",
}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{namespace.strip(':')}:{p.name}"


def _routes() -> list[tuple[str, list[str]]]:
    found = {}
    for route, name in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in NAMESPACES:
            found[name] = PARAM.findall(route)
    return sorted(found.items())


ROUTES = _routes()


def test_the_sweep_finds_the_pages():
    names = {name for name, _params in ROUTES}
    assert {
        "indicators:team-figures",
        "indicators:team-figures-status",
        "indicators:team-drilldown",
        "indicators:report-detail",
        "indicators:report-pdf",
        "indicators:report-pdf-status",
        "indicators:report-csv",
        "indicators:report-list",
        "indicators:figures-list",
        "indicators:caseload-review",
        "public:report-summary",
    } <= names


def _tables() -> list[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.add(meta.db_table)
    return sorted(tables)


def _counts(tables: list[str]) -> dict[str, int]:
    q = connection.ops.quote_name
    # Table names from the model registry, quoted: no input reaches this SQL.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _indicator_rows() -> dict[str, list]:
    """Every row of the indicators tables (without the PDF bytes), to see rewrites in place."""
    out = {}
    for model in apps.get_app_config("indicators").get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "pdf"]
        out[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return out


@pytest.fixture
def demo(report_data, coordinator, origin, django_capture_on_commit_callbacks):
    team = report_data[0].team
    municipality = team.municipality
    published = reports.report_draft(
        municipality=municipality, period=Period.parse("2026-07"), actor=coordinator, origin=origin
    )
    reports.report_publish(report=published, actor=coordinator, origin=origin)
    ReportDocument.objects.create(
        report=published, language="en", pdf=b"%PDF-1.4\n", rendered_at=timezone.now()
    )
    draft = reports.report_draft(
        municipality=municipality, period=Period.parse("2026-08"), actor=coordinator, origin=origin
    )
    with django_capture_on_commit_callbacks(execute=False):  # queued, not run
        services.snapshot_refresh_request(
            period=Period.parse("2026-06"), scope=Scope.team(team.slug), origin=origin
        )
    running = Period.month_of(timezone.localdate())
    assert not IndicatorSnapshot.objects.filter(period__in=["2026-05", str(running)]).exists()
    assert SnapshotRun.objects.filter(status="queued").count() == 1
    assert not ReportDocument.objects.filter(report=draft).exists()
    return {
        "params": {
            "report_pk": [draft.pk, published.pk],
            "figures_team_pk": [team.pk],
            "key": sorted(drilldown.QUERIES),
        },
        "figure_queries": [{}, {"period": "2026-08"}, {"period": str(running)}],
        "pdf_queries": [{"lang": "en"}, {"lang": "bg"}],
    }


def _requests(name: str, params: list[str], demo: dict):
    """Every (url, query) of a route: each combination of its parameters and queries."""
    values = [demo["params"][p] for p in params]
    if "figures_team_pk" in params:
        queries = demo["figure_queries"]
    elif "pdf" in name:
        queries = demo["pdf_queries"]
    else:
        queries = [{}]
    for combo, query in product(product(*values), queries):
        yield reverse(name, kwargs=dict(zip(params, combo, strict=True))), query


def test_no_get_of_an_indicators_page_writes_anything_but_the_audit_log(
    client, users_by_role, demo
):
    tables = _tables()
    audit_table = AuditEvent._meta.db_table
    assert audit_table in tables and IndicatorSnapshot._meta.db_table in tables
    opened: dict[str, set[str]] = {name: set() for name, _params in ROUTES}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users_by_role[role])
        for name, params in ROUTES:
            may = MAY_OPEN.get(name, FIGURE_READERS)
            todo = list(_requests(name, params, demo))
            for url, query in todo if role in may else todo[:1]:
                before, rows = _counts(tables), _indicator_rows()
                response = client.get(url, query)
                after = _counts(tables)
                changed = {t: after[t] - before[t] for t in tables if after[t] != before[t]}
                changed.pop(audit_table, None)
                where = f"{role} GET {url}?{query} ({response.status_code})"
                assert changed == {}, f"{where} changed {changed}"
                assert after[audit_table] >= before[audit_table]
                assert _indicator_rows() == rows, f"{where} rewrote indicator rows"
                if response.status_code in (200, 202):
                    opened[name].add(role)
    for name, _params in ROUTES:
        if name in POST_ONLY:
            assert opened[name] == set(), name
        else:
            may = MAY_OPEN.get(name, FIGURE_READERS)
            # Coordinators open no clinical drill-down, but the caseload ones.
            assert may <= opened[name], f"{name}: {sorted(may - opened[name])} could not open it"
    assert Report.objects.count() == 2
