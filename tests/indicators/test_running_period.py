"""A period that has not ended is computed to date (INDICATORS.md, Conventions)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators import engine, services
from indicators.models import IndicatorSnapshot
from indicators.periods import Period, Scope
from outreach.models import Contact, Episode
from tests.factories import ClientFactory, TandemFactory, TeamFactory

pytestmark = pytest.mark.django_db

DEC = Period.parse("2026-12")
DEC_1 = date(2026, 12, 1)


def _client_seen_on(team, day: date):
    """An episode running since the summer and one seen contact on `day` at 09:00."""
    tandem = TandemFactory(team=team)
    client = ClientFactory(team=team, tandem=tandem)
    Episode.objects.create(client=client, started_on=date(2026, 7, 1), tandem=tandem)
    Contact.objects.create(
        client=client,
        author=tandem.professional,
        started_at=timezone.make_aware(datetime.combine(day, time(9))),
        duration_minutes=30,
        mode="face_to_face",
        outcome="met",
        location="street",
    )
    return client


def test_running_month_looks_back_from_today_not_from_its_end():
    team = TeamFactory()
    _client_seen_on(team, DEC_1)
    values = engine.compute(DEC, Scope.team(team.slug), today=DEC_1)
    # Seen this morning: not "not seen for 30 days" (from 31 December it would be).
    assert values["clients_not_seen_30d"] == 0
    assert values["caseload_end"] == 1
    assert values["client_days"] == 1  # 1 December only, not 31 days


def test_a_period_that_has_not_started_is_refused():
    with pytest.raises(ValueError, match="has not started"):
        engine.compute(DEC, Scope.everything(), today=DEC_1 - timedelta(days=1))


def test_snapshot_of_the_running_period_stores_as_of_and_cannot_be_published(origin):
    team = TeamFactory()
    today = timezone.localdate()
    running = Period.month_of(today)
    snap = services.snapshot_compute(period=running, scope=Scope.team(team.slug))
    assert snap.as_of == today
    if today < running.last:
        assert snap.is_to_date
        with pytest.raises(ValidationError, match="to date"):
            services.snapshot_publish(snapshot=snap, origin=origin)
        snap.refresh_from_db()
        assert snap.status == IndicatorSnapshot.Status.DRAFT


def test_an_ended_period_is_computed_to_its_last_day(origin):
    team = TeamFactory()
    snap = services.snapshot_compute(period=Period.parse("2026-Q3"), scope=Scope.team(team.slug))
    assert snap.as_of == date(2026, 9, 30) and not snap.is_to_date
    services.snapshot_publish(snapshot=snap, origin=origin)
    assert IndicatorSnapshot.objects.get(pk=snap.pk).is_published


def test_command_says_to_date_and_refuses_a_future_period(capsys):
    team = TeamFactory()
    today = timezone.localdate()
    running = Period.month_of(today)
    call_command("compute_indicators", "--period", str(running), "--team", team.slug)
    out = capsys.readouterr().out
    if today < running.last:
        assert f"to date as of {today.isoformat()}" in out
    with pytest.raises(CommandError, match="has not started"):
        call_command(
            "compute_indicators", "--period", str(Period.month_of(running.last + timedelta(days=1)))
        )
