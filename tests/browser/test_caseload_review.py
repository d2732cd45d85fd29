"""A supervisor reviews the caseload, keeps the overdue debriefs and opens the client."""

from __future__ import annotations

import pytest

from outreach.models import AuditEvent
from tests.caseload_fixtures import calm_client, flagged, noon, second_tandem, today

__all__ = ["calm_client", "flagged", "noon", "second_tandem", "today"]  # fixtures used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_filters_to_overdue_debriefs_and_opens_the_client(
    desktop_page, browser_login, supervisor, flagged
):
    page = desktop_page
    browser_login(page, supervisor)
    page.get_by_role("link", name="Caseload review").click()
    page.wait_for_url("**/indicators/supervision/caseload/")
    clients = page.locator("table.review-clients")
    assert clients.get_by_role("link", name="Test Crisisrecent").is_visible()
    assert clients.get_by_role("link", name="Test Calm").count() == 0

    page.get_by_label("Show").select_option("debrief_overdue")
    # htmx swaps the review in place and puts the filter in the address.
    page.wait_for_url("**flag=debrief_overdue**")
    clients = page.locator("table.review-clients")
    clients.get_by_role("link", name="Test Debrieflate").wait_for()
    assert clients.locator("tbody tr").count() == 1
    assert clients.get_by_text("Debrief overdue").is_visible()
    assert clients.get_by_role("link", name="Test Crisisrecent").count() == 0

    clients.get_by_role("link", name="Test Debrieflate").click()
    page.wait_for_url(f"**/clients/{flagged['Debrieflate'].pk}/")
    assert page.get_by_role("heading", name="Test Debrieflate").first.is_visible()
    assert AuditEvent.objects.filter(
        actor=supervisor, action="caseload_review.view", client=flagged["Debrieflate"]
    ).exists()
