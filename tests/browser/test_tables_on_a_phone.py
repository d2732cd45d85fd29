"""On a phone, wide figure tables open on the newest period and the last team, with the row
labels still in view."""

from __future__ import annotations

import pytest

from tests.indicators import report_fixtures

report_data = report_fixtures.report_data
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_tables_show_the_last_column_and_the_labels(
    phone_page, browser_login, coordinator, report_data
):
    page = phone_page
    browser_login(page, coordinator)
    page.goto("/indicators/reports/")
    page.get_by_label("Period").fill("2026-08")
    page.get_by_role("button", name="Draft the report").click()
    page.wait_for_load_state("networkidle")
    tables = page.locator("table.figures")
    assert tables.count() >= 3
    wide = 0
    for i in range(tables.count()):
        table = tables.nth(i)
        wrap_width = table.evaluate("t => t.parentElement.clientWidth")
        if table.evaluate("t => t.scrollWidth") <= wrap_width:
            continue  # fits: nothing to scroll
        wide += 1
        last = table.locator("thead th").last.bounding_box()
        label = table.locator("tbody tr th").first.bounding_box()
        assert last["x"] + last["width"] <= 391, "the newest/last column is off-screen"
        assert label["x"] >= 0 and label["x"] < 40, "the row labels scrolled away"
    assert wide >= 1, "the test data gives no table wider than the phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
