"""Figure pages only read snapshots; "Refresh" (a POST) queues the task and the page polls.

Also: drill-downs mark the records that changed since the snapshot, and trends label a period
that had not ended "to date". report_data: Team Centre in August 2026, 7 clients in care.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import access, reports, services
from indicators.models import IndicatorSnapshot, Report, SnapshotRun
from indicators.periods import Period, Scope
from outreach.models import AuditEvent, Episode, HospitalStay, Role
from tests.factories import ClientFactory, EpisodeFactory, MunicipalityFactory, UserFactory

AUGUST = Period.parse("2026-08")
SHOWN = ["2026-05", "2026-06", "2026-07", "2026-08"]


def _urls(team):
    return (
        reverse("indicators:team-figures", args=[team.pk]),
        reverse("indicators:team-figures-refresh", args=[team.pk]),
        reverse("indicators:team-figures-status", args=[team.pk]),
    )


def test_refresh_queues_runs_then_the_page_shows_the_fresh_snapshots(
    client, supervisor, report_data, django_capture_on_commit_callbacks
):
    team = report_data[0].team
    page, refresh, status = _urls(team)
    client.force_login(supervisor)

    # Nothing computed: the page says so and offers Refresh; the GET stored nothing.
    body = client.get(page, {"period": "2026-08"}).content.decode()
    assert 'data-freshness="missing"' in body and "not computed yet" in body
    assert refresh in body and "every 2s" not in body
    assert not IndicatorSnapshot.objects.exists() and not SnapshotRun.objects.exists()

    # The POST queues one run per period shown; the task is sent once the rows are committed.
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert client.post(refresh, {"period": "2026-08"}).status_code == 302
    runs = SnapshotRun.objects.order_by("period")
    assert [(r.period, r.status, r.scope) for r in runs] == [
        (p, "queued", f"team:{team.slug}") for p in SHOWN
    ]
    assert {r.requested_by_id for r in runs} == {supervisor.pk}
    assert len(sent) == 4 and not IndicatorSnapshot.objects.exists()
    assert AuditEvent.objects.filter(action="snapshot.refresh_request").count() == 4

    # Queued: the page polls a status fragment and offers no second Refresh.
    body = client.get(page, {"period": "2026-08"}).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'data-running="4"' in body
    assert 'name="refresh"' not in body
    fragment = client.get(status, {"period": "2026-08"}, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and 'data-running="4"' in fragment.content.decode()

    # A second click queues nothing more.
    with django_capture_on_commit_callbacks(execute=True) as again:
        client.post(refresh, {"period": "2026-08"})
    assert again == [] and SnapshotRun.objects.count() == 4

    # The worker (eager here) takes the queued runs over and stores the snapshots.
    for send in sent:
        send()
    assert sorted(SnapshotRun.objects.values_list("status", flat=True)) == ["succeeded"] * 4
    assert sorted(IndicatorSnapshot.objects.values_list("period", flat=True)) == SHOWN
    assert all(r.snapshot_id for r in SnapshotRun.objects.all())

    # Finished: the next poll asks htmx to reload; the page shows the fresh figures.
    fragment = client.get(status, {"period": "2026-08"}, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    body = client.get(page, {"period": "2026-08"}).content.decode()
    assert 'data-freshness="fresh"' in body and "every 2s" not in body
    cell = body.split('data-key="caseload_end">')[-1].split("</td>")[0]
    assert ">7<" in cell


def test_refresh_service_queues_once_per_key_and_frees_a_lost_run(team, origin, supervisor):
    scope = Scope.team(team.slug)
    run, queued = services.snapshot_refresh_request(period=AUGUST, scope=scope, origin=origin)
    assert queued and run.status == "queued"
    again, queued = services.snapshot_refresh_request(period=AUGUST, scope=scope, origin=origin)
    assert not queued and again.pk == run.pk
    # A running one blocks as well.
    SnapshotRun.objects.filter(pk=run.pk).update(status="running")
    assert not services.snapshot_refresh_request(period=AUGUST, scope=scope, origin=origin)[1]
    # A run that has not moved for longer than RUN_LOST_AFTER no longer blocks.
    SnapshotRun.objects.filter(pk=run.pk).update(
        status="queued", started_at=timezone.now() - services.RUN_LOST_AFTER - timedelta(1)
    )
    fresh, queued = services.snapshot_refresh_request(period=AUGUST, scope=scope, origin=origin)
    assert queued and fresh.pk != run.pk
    assert SnapshotRun.objects.get(pk=run.pk).status == "failed"
    # Another period is another key.
    assert services.snapshot_refresh_request(
        period=Period.parse("2026-07"), scope=scope, origin=origin
    )[1]


def test_refresh_service_refuses_a_future_period_and_an_unknown_scope(team, origin):
    future = Period.month_of(timezone.localdate() + timedelta(days=40))
    with pytest.raises(ValueError, match="has not started"):
        services.snapshot_refresh_request(period=future, scope=Scope.team(team.slug), origin=origin)
    with pytest.raises(LookupError):
        services.snapshot_refresh_request(period=AUGUST, scope=Scope.team("ghost"), origin=origin)
    assert not SnapshotRun.objects.exists()


def test_a_failed_refresh_is_shown_and_can_be_retried(
    client, supervisor, report_data, monkeypatch, django_capture_on_commit_callbacks
):
    team = report_data[0].team
    page, refresh, _status = _urls(team)
    services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "snapshot_compute", broken)
    client.force_login(supervisor)
    # The failure is recorded on the run, not thrown at the page.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(refresh, {"period": "2026-08"}).status_code == 302
    runs = SnapshotRun.objects.all()
    assert len(runs) == 4 and all(r.status == "failed" and "disk full" in r.error for r in runs)
    body = client.get(page, {"period": "2026-08"}).content.decode()
    assert 'data-failed="2026-08"' in body and 'name="refresh"' in body
    assert "every 2s" not in body
    # Retried once the cause is gone.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(refresh, {"period": "2026-08"})
    body = client.get(page, {"period": "2026-08"}).content.decode()
    assert "data-failed" not in body
    assert IndicatorSnapshot.objects.filter(period="2026-08").get().computed_at > runs[0].started_at


def test_a_refresh_that_cannot_be_sent_is_marked_failed(
    team, origin, monkeypatch, django_capture_on_commit_callbacks
):
    from indicators import tasks

    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.snapshot_refresh, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run, _queued = services.snapshot_refresh_request(
            period=AUGUST, scope=Scope.team(team.slug), origin=origin
        )
    run.refresh_from_db()
    assert run.status == "failed" and "broker unreachable" in run.error


def test_a_published_snapshot_is_not_recomputed(client, supervisor, report_data, origin):
    team = report_data[0].team
    page, refresh, _status = _urls(team)
    snap = services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    services.snapshot_publish(snapshot=snap, origin=origin)
    client.force_login(supervisor)
    client.post(refresh, {"period": "2026-08"})
    assert not SnapshotRun.objects.filter(period="2026-08").exists()
    assert set(SnapshotRun.objects.values_list("period", flat=True)) == set(SHOWN[:3])


def test_stale_means_older_definitions_or_computed_to_an_earlier_day(team):
    running = Period.month_of(timezone.localdate())
    scope = Scope.team(team.slug)
    snap = services.snapshot_compute(period=running, scope=scope)
    assert not services.snapshot_is_stale(snap)
    if running.first < snap.as_of:  # computed "yesterday": stale today
        snap.as_of -= timedelta(days=1)
        assert services.snapshot_is_stale(snap)
        snap.as_of += timedelta(days=1)
    ended = services.snapshot_compute(period=AUGUST, scope=scope)
    assert not services.snapshot_is_stale(ended)
    ended.as_of = date(2026, 8, 20)  # computed while August ran
    assert services.snapshot_is_stale(ended)
    ended.as_of = AUGUST.last
    ended.definitions_version = "0-old"
    assert services.snapshot_is_stale(ended)


def test_who_may_refresh(team, other_team, supervisor, coordinator, users_by_role):
    assert access.can_refresh_figures(supervisor, team)
    assert not access.can_refresh_figures(supervisor, other_team)
    assert access.can_refresh_figures(coordinator, team)
    assert access.can_refresh_figures(coordinator, other_team)
    far = UserFactory(role=Role.COORDINATOR, municipality=MunicipalityFactory(slug="far"))
    assert not access.can_refresh_figures(far, team)
    for role in ("worker", "peer", "partner", "admin", "outsider", "outside_supervisor"):
        assert not access.can_refresh_figures(users_by_role[role], team), role


def test_coordinator_refreshes_outsiders_get_404(
    client, coordinator, users_by_role, report_data, django_capture_on_commit_callbacks
):
    team = report_data[0].team
    _page, refresh, _status = _urls(team)
    for role in ("worker", "partner", "admin", "outside_supervisor"):
        client.force_login(users_by_role[role])
        assert client.post(refresh, {"period": "2026-08"}).status_code == 404, role
    assert not SnapshotRun.objects.exists()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(refresh, {"period": "2026-08"}).status_code == 302
    assert IndicatorSnapshot.objects.filter(team=team, period="2026-08").exists()
    assert client.get(refresh).status_code == 405


# --- Drill-downs mark what changed ---------------------------------------------------------


def test_drilldown_marks_records_added_and_no_longer_counted(client, supervisor, report_data):
    team = report_data[0].team
    snap = services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    assert len(snap.records["caseload_end"]) == snap.values["caseload_end"] == 7
    # Since the snapshot: one more client in care, one episode ended before 31 August.
    newcomer = ClientFactory(team=team, tandem=report_data[0].tandem, family_name="Novak")
    added = EpisodeFactory(
        client=newcomer, tandem=report_data[0].tandem, started_on=date(2026, 3, 1)
    )
    left = Episode.objects.get(client=report_data[6])
    Episode.objects.filter(pk=left.pk).update(ended_on=date(2026, 8, 10))
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert body.split("data-figure>")[1].split("<")[0] == "7"
    assert body.split("data-records>")[1].split("<")[0] == "7"
    assert body.count('data-change="added"') == 1
    assert f'data-record="{added.pk}" data-change="added"' in body
    assert body.count('data-change="gone"') == 1
    assert f'data-record="{left.pk}" data-change="gone"' in body
    assert 'data-changes="1/1/0"' in body
    # The client no longer counted is listed, so their read is audited too.
    audited = set(
        AuditEvent.objects.filter(action="indicator.drilldown").values_list("client_id", flat=True)
    )
    assert report_data[6].pk in audited and newcomer.pk in audited


def test_drilldown_without_changes_and_of_a_snapshot_without_its_records(
    client, supervisor, report_data
):
    team = report_data[0].team
    snap = services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "admissions_involuntary"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert 'data-changes="0/0/0"' in body and "data-change=" not in body
    IndicatorSnapshot.objects.filter(pk=snap.pk).update(records={})
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert 'data-changes="unknown"' in body


def test_drilldown_without_a_snapshot_computes_nothing(client, supervisor, report_data):
    team = report_data[0].team
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert "not computed yet" in body and body.split("data-records>")[1].split("<")[0] == "7"
    assert 'name="refresh"' in body and 'value="drilldown"' in body
    assert not IndicatorSnapshot.objects.exists()


def test_coordinator_sees_no_marks_against_a_small_count(client, coordinator, report_data):
    team = report_data[0].team
    scope = Scope.team(team.slug)
    services.snapshot_compute(period=AUGUST, scope=scope)  # caseload 7
    for c in report_data[:3]:  # now 4 in care: small, withheld
        Episode.objects.filter(client=c).update(ended_on=date(2026, 8, 1))
    client.force_login(coordinator)
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert "data-change=" not in body and "data-changes" not in body
    for c in report_data:
        assert c.code not in body


# --- Trends label a period that had not ended ----------------------------------------------


def test_trend_labels_a_running_quarter_to_date(
    client, coordinator, report_data, monkeypatch, origin
):
    # Drafted on 15 September: the trend's 2026-Q3 is computed to date.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 9, 15))
    report = reports.report_draft(
        municipality=coordinator.municipality, period=AUGUST, actor=coordinator, origin=origin
    )
    assert [t["as_of"] for t in report.trend][-2:] == ["2026-06-30", "2026-09-15"]
    report = reports.with_snapshots(Report.objects.select_related("municipality")).get(pk=report.pk)
    content = reports.report_content(report, suppress=True)
    assert [c["as_of"] for c in content.trend_columns] == [None, None, None, date(2026, 9, 15)]
    assert [b["to_date"] for b in content.trend[0]["chart"]] == [False, False, False, True]
    rows = list(csv.reader(io.StringIO(reports.report_csv(report).decode("utf-8-sig"))))
    header = next(r for r in rows if r and r[0] == "Trend")
    assert header[-2:] == ["2026-Q2", "2026-Q3 (to date, as of 15.09.2026)"]
    client.force_login(coordinator)
    body = client.get(reverse("indicators:report-detail", args=[report.pk])).content.decode()
    header = body.split('data-period="2026-Q3">')[1].split("</th>")[0]
    assert "to date, as of 15.09.2026" in header
    assert "to date, as of" not in body.split('data-period="2026-Q2">')[1].split("</th>")[0]


def test_trend_copied_before_as_of_was_kept_is_labelled_from_computed_at():
    entry = {"period": "2026-Q3", "computed_at": "2026-09-15T08:00:00+00:00", "values": {}}
    assert reports.trend_as_of(entry) == date(2026, 9, 15)
    entry["computed_at"] = "2026-10-01T08:00:00+00:00"
    assert reports.trend_as_of(entry) is None
    assert reports.trend_as_of({"period": "2026-Q3", "as_of": "2026-09-30"}) is None


def test_team_figures_label_the_running_month_to_date(client, supervisor, team):
    today = timezone.localdate()
    running = Period.month_of(today)
    services.snapshot_compute(period=running, scope=Scope.team(team.slug))
    client.force_login(supervisor)
    url = reverse("indicators:team-figures", args=[team.pk])
    body = client.get(url, {"period": str(running)}).content.decode()
    header = body.split(f'data-period="{running}">')[1].split("</th>")[0]
    if today < running.last:
        assert f"to date, as of {today:%d.%m.%Y}" in header
    before = body.split(f'data-period="{running.previous()}">')[1].split("</th>")[0]
    assert "to date" not in before and "not computed yet" in before


def test_the_refresh_view_asks_the_access_rule(client, supervisor, report_data, monkeypatch):
    team = report_data[0].team
    _page, refresh, _status = _urls(team)
    monkeypatch.setattr(access, "can_refresh_figures", lambda user, team: False)
    client.force_login(supervisor)
    assert client.post(refresh, {"period": "2026-08"}).status_code == 404
    body = client.get(_page, {"period": "2026-08"}).content.decode()
    assert 'name="refresh"' not in body
    assert not SnapshotRun.objects.exists()


def test_refresh_from_a_drilldown_returns_to_it(
    client, supervisor, report_data, django_capture_on_commit_callbacks
):
    team = report_data[0].team
    _page, refresh, _status = _urls(team)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            refresh, {"period": "2026-08", "next": "drilldown", "key": "caseload_end"}
        )
    url = reverse("indicators:team-drilldown", args=[team.pk, "caseload_end"])
    assert response.url == f"{url}?period=2026-08"
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert body.split("data-figure>")[1].split("<")[0] == "7" and 'data-changes="0/0/0"' in body


def test_the_polled_fragment_costs_a_fixed_number_of_queries(
    client, supervisor, report_data, origin, django_assert_max_num_queries
):
    team = report_data[0].team
    _page, _refresh, status = _urls(team)
    for p in SHOWN:
        services.snapshot_refresh_request(
            period=Period.parse(p), scope=Scope.team(team.slug), origin=origin
        )
    client.force_login(supervisor)
    # session, user, team, snapshots, active runs, last runs, the access question; the
    # session save of the idle-timeout middleware
    with django_assert_max_num_queries(12):
        response = client.get(status, {"period": "2026-08"}, HTTP_HX_REQUEST="true")
    assert 'data-running="4"' in response.content.decode()


def test_a_report_of_the_running_month_says_to_date(client, coordinator, report_data, origin):
    today = timezone.localdate()
    running = Period.month_of(today)
    if today == running.last:
        pytest.skip("on a month's last day the month's figures are whole")
    report = reports.report_draft(
        municipality=coordinator.municipality, period=running, actor=coordinator, origin=origin
    )
    client.force_login(coordinator)
    body = client.get(reverse("indicators:report-detail", args=[report.pk])).content.decode()
    assert body.count("data-to-date") == report.snapshots.count() == 3
    assert f"to date, as of {today:%d.%m.%Y}" in body
    rows = list(csv.reader(io.StringIO(reports.report_csv(report).decode("utf-8-sig"))))
    snapshots = [r for r in rows if r and r[0] == "Snapshot"]
    assert len(snapshots) == 3
    assert all(r[-1] == f"to date, as of {today:%d.%m.%Y}" for r in snapshots)


def test_drilldown_of_clients_lists_a_client_no_longer_counted_and_counts_deleted_records(
    client, supervisor, report_data
):
    team = report_data[0].team
    services.snapshot_compute(period=AUGUST, scope=Scope.team(team.slug))
    Episode.objects.filter(client=report_data[1]).update(started_on=date(2026, 9, 1))
    client.force_login(supervisor)
    url = reverse("indicators:team-drilldown", args=[team.pk, "clients_served"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert f'data-record="{report_data[1].pk}" data-change="gone"' in body
    assert 'data-changes="0/1/0"' in body
    # A counted admission deleted since: counted, not listed.
    stay = HospitalStay.objects.filter(client=report_data[0]).first()
    HospitalStay.objects.filter(pk=stay.pk).delete()
    url = reverse("indicators:team-drilldown", args=[team.pk, "admissions_involuntary"])
    body = client.get(url, {"period": "2026-08"}).content.decode()
    assert 'data-changes="0/0/1"' in body and "was deleted since" in body
