"""Objects behind the URL parameters of the report and team-figure routes.

Coordinators and supervisors of the team's municipality may see its reports and figures, so
these fixtures return objects of another municipality: every swept role must get 404. The
allowed cases are tested in tests/indicators/test_reports.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from indicators.models import Report
from tests.factories import MunicipalityFactory, TeamFactory


@pytest.fixture
def far_municipality(db):
    return MunicipalityFactory(name="Plovdiv", slug="plovdiv")


@pytest.fixture
def far_report(far_municipality):
    """A report of another municipality (nobody in the shared fixtures may see it)."""
    return Report.objects.create(
        municipality=far_municipality,
        period="2026-08",
        period_first=date(2026, 8, 1),
        period_last=date(2026, 8, 31),
    )


@pytest.fixture
def far_team(far_municipality):
    return TeamFactory(municipality=far_municipality, name="Team Plovdiv", slug="plovdiv-1")


@pytest.fixture
def route_param_report_pk(far_report):
    return far_report.pk


@pytest.fixture
def route_param_figures_team_pk(far_team):
    return far_team.pk


@pytest.fixture
def route_param_indicators_team_drilldown__key():
    return "caseload_end"


@pytest.fixture
def route_param_report_detail__pk(far_report):
    far_report.status = Report.Status.PUBLISHED
    far_report.published_at = far_report.created_at
    far_report.save()
    return far_report.pk


@pytest.fixture
def route_param_snapshot_detail__pk(far_team):
    from indicators import services
    from indicators.periods import Period, Scope

    return services.snapshot_compute(
        period=Period.parse("2026-Q2"), scope=Scope.team(far_team.slug)
    ).pk
