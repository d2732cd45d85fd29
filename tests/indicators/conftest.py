"""Helpers for the indicator tests: local datetimes in Sofia, clients, computing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from indicators import engine
from indicators.periods import Period, Scope
from outreach.models import Client
from tests.indicators.report_fixtures import report_data  # noqa: F401

SOFIA = ZoneInfo("Europe/Sofia")


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0, fold: int = 0) -> datetime:
    """An aware datetime given in Sofia's wall-clock time."""
    return datetime(y, m, d, h, mi, tzinfo=SOFIA, fold=fold)


@pytest.fixture(autouse=True)
def _sofia(settings):
    settings.TIME_ZONE = "Europe/Sofia"


@pytest.fixture
def make_client(team):
    def make(team_=None, **kwargs) -> Client:
        return Client.objects.create(team=team_ or team, given_name="X", **kwargs)

    return make


@pytest.fixture
def compute(team):
    def run(period: str = "2026-Q3", scope: Scope | None = None) -> dict:
        return engine.compute(Period.parse(period), scope or Scope.team(team.slug))

    return run


# Fixtures of the supervisor's caseload review tests.
from tests.caseload_fixtures import calm_client, flagged, noon, second_tandem, today  # noqa: E402, F401
