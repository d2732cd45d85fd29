"""A supervisor refreshes a team's figures: the page polls (htmx) until the snapshot is there."""

from __future__ import annotations

import pytest
from django.utils import timezone

from indicators import tasks
from indicators.models import IndicatorSnapshot, SnapshotRun
from tests.indicators import report_fixtures

report_data = report_fixtures.report_data
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refresh_button_then_figures(phone_page, browser_login, supervisor, report_data):
    page = phone_page
    team = report_data[0].team
    browser_login(page, supervisor)
    page.goto(f"/indicators/figures/{team.pk}/?period=2026-08")
    assert page.locator('[data-freshness="missing"]').is_visible()
    assert not IndicatorSnapshot.objects.exists()
    page.get_by_role("button", name="Refresh").click()  # runs in-process (eager) here
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-freshness="fresh"]').is_visible()
    assert page.locator('td[data-key="caseload_end"]').last.inner_text() == "7"


def test_the_page_polls_until_the_queued_run_is_done(
    phone_page, browser_login, supervisor, report_data
):
    page = phone_page
    team = report_data[0].team
    run = SnapshotRun.objects.create(
        task_name="indicators.tasks.snapshot_refresh",
        period="2026-08",
        scope=f"team:{team.slug}",
        status=SnapshotRun.Status.QUEUED,
        started_at=timezone.now(),
    )
    browser_login(page, supervisor)
    page.goto(f"/indicators/figures/{team.pk}/?period=2026-08")
    assert page.locator('#figures-status[data-running="1"]').is_visible()
    assert page.get_by_role("button", name="Refresh").count() == 0
    # The worker picks the run up (here: the task run from the test).
    tasks.snapshot_refresh.delay("2026-08", f"team:{team.slug}", run.pk).get()
    page.wait_for_selector('[data-freshness="fresh"]', timeout=10_000)
    assert page.locator("#figures-status").count() == 0
    assert page.locator('td[data-key="caseload_end"]').last.inner_text() == "7"
    page.screenshot(path="/tmp/figures-refreshed.png", full_page=False)  # noqa: S108
