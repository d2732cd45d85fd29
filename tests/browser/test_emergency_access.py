"""Break the glass on a phone: a worker of another team opens a client in an emergency, sees the
red banner, and the supervisor of the client's team finds the use waiting and accepts it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from outreach.models import AuditEvent, EmergencyAccess
from tests.browser.conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Called by the crisis line at night: I need the crisis plan to help her now."


def _shot(page, name: str) -> None:
    """Save a screenshot when SCREENSHOT_DIR is set (to look at the pages by eye)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_worker_breaks_the_glass_and_supervisor_accepts(
    phone_page, browser_login, chromium_browser, live_server, outsider, supervisor, team_client
):
    page = phone_page
    browser_login(page, outsider)
    # The record of another team is a plain 404 until the glass is broken.
    response = page.goto(team_client.get_absolute_url())
    assert response.status == 404
    assert page.get_by_text(team_client.family_name).count() == 0
    page.get_by_role("link", name="Emergency access").first.click()
    page.wait_for_url("**/emergency/")
    _shot(page, "emergency_start_390")
    page.get_by_label("Client code").fill(team_client.code)
    page.get_by_label("Why do you need this record now?").fill("now")
    page.get_by_role("button", name="Open read-only").click()
    assert page.get_by_text("Say in at least 20 characters").is_visible()
    assert not EmergencyAccess.objects.exists()
    page.get_by_label("Why do you need this record now?").fill(REASON)
    page.get_by_role("button", name="Open read-only").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    banner = page.get_by_role("alert").filter(has_text="Emergency access, read-only")
    assert banner.is_visible()
    assert page.get_by_role("heading", name="Maria Ivanova").is_visible()
    assert page.get_by_role("link", name="Edit details").count() == 0
    assert page.get_by_role("link", name="Log a contact").count() == 0
    # The banner is red and spans the page at phone width.
    box = banner.bounding_box()
    assert box is not None and box["width"] > 300
    color = banner.evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(176, 0, 32)"
    _shot(page, "client_under_grant_390")
    assert AuditEvent.objects.filter(
        actor=outsider, action="client.view", detail__emergency=True
    ).exists()

    page.get_by_role("button", name="Sign out").click()
    # Let the sign-out land before the next navigation (a goto would abort it under load).
    page.wait_for_url("**/accounts/login/")
    browser_login(page, supervisor)
    # The supervisor starts the day on the team page: the use waits there and in the menu.
    page.wait_for_url("**/team/")
    pending = page.locator("section.emergency-pending")
    assert pending.get_by_text(REASON).is_visible()
    assert page.locator("nav .badge.danger[aria-label*=review]").inner_text() == "1"
    _shot(page, "team_pending_review_390")
    pending.get_by_role("link", name="Review").click()
    page.wait_for_url("**/emergency/reviews/*/")
    assert page.get_by_text("client.view").first.is_visible()
    _shot(page, "review_390")
    page.get_by_label("Accepted").check()
    page.get_by_label("Comment").fill("Night crisis call; right to look.")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url("**/emergency/reviews/")
    assert page.get_by_text("Nothing waits for review.").is_visible()
    assert page.locator("nav .badge.danger[aria-label*=review]").count() == 0
    _shot(page, "review_list_390")
    grant = EmergencyAccess.objects.get()
    assert grant.outcome == "accepted" and grant.reviewed_by == supervisor

    # The same use, highlighted in the access report (desktop width, for the screenshots).
    page.goto("/access-report/")
    assert page.locator("tr.emergency-row").count() >= 2
    _shot(page, "access_report_390")
    if os.environ.get("SCREENSHOT_DIR"):
        context = chromium_browser.new_context(viewport=DESKTOP, base_url=live_server.url)
        desk = context.new_page()
        browser_login(desk, supervisor)
        for name, url in [
            ("access_report_1280", "/access-report/"),
            ("review_list_1280", "/emergency/reviews/"),
            ("review_1280", f"/emergency/reviews/{grant.pk}/"),
        ]:
            desk.goto(url)
            _shot(desk, name)
        desk.get_by_role("button", name="Sign out").click()
        desk.wait_for_url("**/accounts/login/")
        browser_login(desk, outsider)
        for name, url in [
            ("emergency_start_1280", "/emergency/"),
            ("client_under_grant_1280", team_client.get_absolute_url()),
        ]:
            desk.goto(url)
            _shot(desk, name)
        context.close()
