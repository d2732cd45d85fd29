"""Snapshots: one draft per key, published ones frozen, new versions; the command and the tasks."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from indicators import services, tasks
from indicators.models import IndicatorSnapshot, SnapshotPublished, SnapshotRun
from indicators.periods import Period, Scope
from outreach.models import AuditEvent, Episode

from .conftest import local

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026-Q3")


@pytest.fixture
def caseload(make_client):
    for started in (date(2026, 1, 1), date(2026, 8, 1)):
        Episode.objects.create(client=make_client(), started_on=started)


def test_two_runs_give_one_draft_with_fresh_values(team, make_client, caseload):
    scope = Scope.team(team.slug)
    first = services.snapshot_compute(period=Q3, scope=scope)
    assert first.values["clients_served"] == 2
    Episode.objects.create(client=make_client(), started_on=date(2026, 9, 1))
    second = services.snapshot_compute(period=Q3, scope=scope)
    assert second.pk == first.pk
    assert IndicatorSnapshot.objects.count() == 1
    second.refresh_from_db()
    assert second.values["clients_served"] == 3
    assert (second.status, second.version, second.scope_kind, second.team) == (
        "draft",
        1,
        "team",
        team,
    )
    assert (second.period, second.period_first, second.period_last) == (
        "2026-Q3",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )


def test_scopes_keep_separate_drafts(team, caseload):
    services.snapshot_compute(period=Q3, scope=Scope.team(team.slug))
    services.snapshot_compute(period=Q3, scope=Scope.municipality(team.municipality.slug))
    services.snapshot_compute(period=Q3, scope=Scope.everything())
    services.snapshot_compute(period=Q3, scope=Scope.everything())
    services.snapshot_compute(period=Period.parse("2026-09"), scope=Scope.everything())
    assert sorted(IndicatorSnapshot.objects.values_list("period", "scope_key")) == [
        ("2026-09", "all"),
        ("2026-Q3", "all"),
        ("2026-Q3", f"municipality:{team.municipality.pk}"),
        ("2026-Q3", f"team:{team.pk}"),
    ]


def test_published_snapshot_is_frozen_and_recompute_makes_a_new_version(
    team, make_client, caseload, supervisor, origin
):
    scope = Scope.team(team.slug)
    draft = services.snapshot_compute(period=Q3, scope=scope)
    published = services.snapshot_publish(snapshot=draft, actor=supervisor, origin=origin)
    assert published.status == "published" and published.published_at is not None
    assert AuditEvent.objects.filter(action="snapshot.publish", object_id=str(draft.pk)).exists()
    frozen_values = dict(published.values)

    Episode.objects.create(client=make_client(), started_on=date(2026, 9, 1))
    newer = services.snapshot_compute(period=Q3, scope=scope)
    assert newer.pk != published.pk
    assert (newer.version, newer.status) == (2, "draft")
    assert newer.values["clients_served"] == 3
    published.refresh_from_db()
    assert published.values == frozen_values
    assert published.values["clients_served"] == 2
    assert [s.version for s in services.snapshot_list(period=Q3, scope=scope)] == [2, 1]

    # The model refuses every way of changing or deleting the published row.
    published.values = {"clients_served": 99}
    with pytest.raises(SnapshotPublished):
        published.save()
    with pytest.raises(SnapshotPublished):
        IndicatorSnapshot.objects.filter(pk=published.pk).update(values={})
    with pytest.raises(SnapshotPublished):
        published.delete()
    with pytest.raises(SnapshotPublished):
        services.snapshot_publish(snapshot=published, origin=origin)
    published.refresh_from_db()
    assert published.values == frozen_values


def test_finalise_publishes_once(team, caseload, origin):
    scope = Scope.team(team.slug)
    first = services.snapshot_finalise(period=Q3, scope=scope, origin=origin)
    again = services.snapshot_finalise(period=Q3, scope=scope, origin=origin)
    assert first.pk == again.pk and again.status == "published"
    assert IndicatorSnapshot.objects.count() == 1


def test_one_draft_constraint_holds_in_the_database(team, caseload):
    from django.db import IntegrityError, transaction

    snap = services.snapshot_compute(period=Q3, scope=Scope.team(team.slug))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorSnapshot.objects.create(
            period=snap.period,
            period_first=snap.period_first,
            period_last=snap.period_last,
            scope_kind="team",
            team=team,
            scope_key=snap.scope_key,
            definitions_version=snap.definitions_version,
            version=2,
            computed_at=snap.computed_at,
        )


# --- The command --------------------------------------------------------------------------------


def test_command_json_prints_period_scope_and_indicators(team, caseload):
    out = StringIO()
    call_command(
        "compute_indicators", "--period", "2026-Q3", "--team", team.slug, "--json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert list(payload) == ["period", "scope", "indicators"]
    assert payload["period"] == "2026-Q3"
    assert payload["scope"] == f"team:{team.slug}"
    assert payload["indicators"]["clients_served"] == 2
    assert payload["indicators"]["crisis_response_hours_median"] is None
    assert payload["indicators"] == IndicatorSnapshot.objects.get().values


def test_command_municipality_all_and_text_output(team, caseload):
    out = StringIO()
    call_command(
        "compute_indicators",
        "--period",
        "2026-08",
        "--municipality",
        team.municipality.slug,
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["scope"] == f"municipality:{team.municipality.slug}"
    out = StringIO()
    call_command("compute_indicators", "--period", "2026-Q3", stdout=out)
    assert "2026-Q3" in out.getvalue() and "version 1" in out.getvalue()
    assert IndicatorSnapshot.objects.filter(scope_key="all").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q5"], "is not a period"),
        (["--period", "2026-Q3", "--team", "nowhere"], "no team"),
        (["--period", "2026-Q3", "--municipality", "nowhere"], "no municipality"),
    ],
)
def test_command_errors_are_clear(args, message, db):
    with pytest.raises(CommandError, match=message):
        call_command("compute_indicators", *args, stdout=StringIO())
    assert IndicatorSnapshot.objects.count() == 0


# --- Celery tasks (eager) -----------------------------------------------------------------------


def test_snapshot_refresh_task_records_its_run(team, caseload):
    pk = tasks.snapshot_refresh.delay("2026-Q3", f"team:{team.slug}").get()
    assert IndicatorSnapshot.objects.get(pk=pk).values["clients_served"] == 2
    tasks.snapshot_refresh.delay("2026-Q3", f"team:{team.slug}").get()
    assert IndicatorSnapshot.objects.count() == 1
    runs = SnapshotRun.objects.all()
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
    assert all(r.snapshot_id == pk for r in runs)


def test_failed_task_is_recorded(db):
    with pytest.raises(LookupError):
        tasks.snapshot_refresh.delay("2026-Q3", "team:ghost").get()
    run = SnapshotRun.objects.get()
    assert run.status == "failed" and "ghost" in run.error and run.finished_at is not None
    assert IndicatorSnapshot.objects.count() == 0


def test_transient_database_error_is_retried(team, caseload, monkeypatch):
    real = services.snapshot_compute
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "snapshot_compute", flaky)
    # throw=False: let Celery's eager apply() run the retry (propagating would stop at Retry).
    pk = tasks.snapshot_refresh.apply(args=("2026-Q3", f"team:{team.slug}"), throw=False).get()
    assert len(calls) == 2
    assert IndicatorSnapshot.objects.get().pk == pk
    assert sorted(SnapshotRun.objects.values_list("status", flat=True)) == ["failed", "succeeded"]


def test_task_options():
    for task in (
        tasks.snapshot_refresh,
        tasks.snapshot_finalise,
        tasks.refresh_current_drafts,
        tasks.finalise_previous_quarter,
        tasks.draft_monthly_reports,
    ):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.autoretry_for == (OperationalError,)
        assert task.retry_backoff and task.max_retries == 5
    from outreach.celery import app

    app.loader.import_default_modules()  # what a worker does at start: finds every tasks.py
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= set(app.tasks)


def test_nightly_refresh_covers_every_scope_for_quarter_and_month(
    team, other_team, caseload, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 8, 14))
    assert tasks.refresh_current_drafts.delay().get() == 2 * 4  # all, sofia, 2 teams
    assert IndicatorSnapshot.objects.filter(status="draft").count() == 8
    assert set(IndicatorSnapshot.objects.values_list("period", flat=True)) == {"2026-Q3", "2026-08"}
    tasks.refresh_current_drafts.delay().get()
    assert IndicatorSnapshot.objects.count() == 8


def test_finalise_previous_quarter_publishes_each_scope_once(team, caseload, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 10, 1))
    tasks.finalise_previous_quarter.delay().get()
    tasks.finalise_previous_quarter.delay().get()
    snaps = IndicatorSnapshot.objects.all()
    assert len(snaps) == 3  # all, municipality, team
    assert {(s.period, s.status, s.version) for s in snaps} == {("2026-Q3", "published", 1)}


def test_draft_monthly_reports_per_municipality(team, caseload, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 9, 1))
    assert tasks.draft_monthly_reports.delay().get() == 1
    # The draft report renders the month's municipality and team snapshots (and a quarterly trend).
    snap = IndicatorSnapshot.objects.get(period="2026-08", scope_kind="municipality")
    assert (snap.period, snap.scope_kind, snap.status) == ("2026-08", "municipality", "draft")
    assert snap.municipality == team.municipality
    assert IndicatorSnapshot.objects.filter(period="2026-08", team=team, status="draft").exists()


def test_snapshot_values_use_local_dates(team, make_client):
    from outreach.models import Contact

    Contact.objects.create(client=make_client(), started_at=local(2026, 7, 1, 0, 30))
    snap = services.snapshot_compute(period=Q3, scope=Scope.team(team.slug))
    assert snap.values["contacts_seen"] == 1
