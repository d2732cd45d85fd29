"""A coordinator drafts the monthly report in the browser, writes the narrative, publishes it,
downloads the PDF and CSV, and the public page shows it."""

from __future__ import annotations

import pytest

from indicators.models import Report
from tests.indicators import report_fixtures

report_data = report_fixtures.report_data
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_publishes_the_monthly_report(
    desktop_page, browser_login, coordinator, report_data
):
    page = desktop_page
    browser_login(page, coordinator)
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Period").fill("2026-08")
    page.get_by_role("button", name="Draft the report").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("The draft report is ready").is_visible()
    assert page.locator('td[data-key="caseload_end"]').first.inner_text() == "7"
    assert page.locator('td[data-key="admissions_involuntary"]').first.inner_text() == "<5"

    page.get_by_label("What went well").fill("Всички клиенти са посетени.")
    page.get_by_label("Requests to the municipality").fill("A room for the team.")
    page.get_by_role("button", name="Save the narrative").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("The narrative is saved.").is_visible()

    page.get_by_role("link", name="Publish…").click()
    page.wait_for_load_state("networkidle")
    # A page of its own says what publishing does; nothing is published until confirmed.
    assert page.get_by_role("heading", name="Publish the report?").is_visible()
    assert page.get_by_text("Publishing cannot be undone").is_visible()
    assert Report.objects.get().status == "draft"
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("The report is published.").is_visible()
    assert page.get_by_text("This report is published and frozen.").is_visible()
    assert page.get_by_role("button", name="Save the narrative").count() == 0
    report = Report.objects.get()
    assert report.status == "published" and report.went_well == "Всички клиенти са посетени."

    with page.expect_download() as pdf:  # prepared by a POST (eager here), then downloaded
        page.get_by_role("button", name="PDF (English)").click()
    assert pdf.value.suggested_filename.endswith("-v1-en.pdf")
    with page.expect_download() as csv_file:
        page.get_by_role("link", name="CSV").click()
    assert csv_file.value.suggested_filename.endswith(".csv")
    page.screenshot(path="/tmp/reports-published.png", full_page=False)  # noqa: S108

    page.goto("/public/reports/")
    assert page.get_by_role("heading", name="София · 2026-08").is_visible()
