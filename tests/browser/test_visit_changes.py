"""On a phone, a worker moves a planned visit to another day and sees it move, and cancels
another from My work and sees it go (it stays in the week, struck through)."""

from __future__ import annotations

import os
from datetime import time, timedelta

import pytest

from careplans.models import PlanSignoff
from outreach.models import AuditEvent, PlannedVisit
from outreach.visits.services import visit_plan
from tests.caseload_fixtures import calm_client, noon, today
from tests.factories import make_origin

__all__ = ["calm_client", "noon", "today"]  # fixtures used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MYWORK_SCREENSHOTS", "")


def _settled(calm_client, name, tandem):
    client = calm_client(name, tandem=tandem)
    plan = client.episodes.get().careplan
    for member in (tandem.professional, tandem.peer):
        PlanSignoff.objects.create(careplan=plan, plan_version=plan.version, user=member)
    return client


def _fits(page, width=390) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def _day(day) -> str:
    return f"section.visit-day:has(h2#d-{day.strftime('%Y%m%d')})"


def _shot(page, name, width):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


def test_a_visit_is_moved_to_another_day_and_another_cancelled(
    phone_page, browser_login, worker, peer, tandem, calm_client, today
):
    origin = make_origin()
    moved_client = _settled(calm_client, "Ivanova", tandem)
    gone_client = _settled(calm_client, "Petrova", tandem)
    moved = visit_plan(
        client=moved_client,
        actor=worker,
        planned_on=today,
        planned_time=time(10, 0),
        staff=[worker, peer],
        purpose="Walk to the GP",
        origin=origin,
    )
    gone = visit_plan(
        client=gone_client,
        actor=worker,
        planned_on=today,
        planned_time=None,
        staff=[worker],
        purpose="Help pack for the move",
        origin=origin,
    )
    page = phone_page
    browser_login(page, worker)
    page.goto("/visits/")
    visit = page.locator(f'li[data-visit="{moved.pk}"]')
    assert page.locator(_day(today)).locator(f'li[data-visit="{moved.pk}"]').count() == 1
    _shot(page, "visits-change-before", 390)

    # Change: the day after tomorrow, at another time, the peer alone.
    visit.get_by_role("link", name="Change the visit to Test Ivanova").click()
    page.wait_for_url(f"**/visits/{moved.pk}/edit/")
    assert _fits(page)
    _shot(page, "visit-edit", 390)
    new_day = today + timedelta(days=2)
    page.get_by_label("Day").fill(new_day.isoformat())
    page.get_by_label("Time").fill("14:30")
    page.get_by_label(worker.get_full_name()).uncheck()
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_url(f"**/visits/?week={new_day.isoformat()}")
    assert page.get_by_text("Visit changed: Test Ivanova").is_visible()
    moved_row = page.locator(_day(new_day)).locator(f'li[data-visit="{moved.pk}"]')
    assert moved_row.count() == 1
    assert "14:30" in moved_row.inner_text()
    assert worker.get_full_name() not in moved_row.inner_text()
    assert _fits(page)
    # It left its old day.
    page.goto(f"/visits/?week={today.isoformat()}")
    assert page.locator(_day(today)).locator(f'li[data-visit="{moved.pk}"]').count() == 0
    moved.refresh_from_db()
    assert (moved.planned_on, moved.planned_time) == (new_day, time(14, 30))
    assert list(moved.staff.all()) == [peer]

    # Cancel the other one from My work: it goes from the list.
    page.get_by_role("link", name="My work").click()
    page.wait_for_url("**/indicators/my-work/")
    item = page.locator('li[data-kind="visit"]', has_text="Test Petrova")
    assert item.count() == 1
    _shot(page, "my-work-visit-actions", 390)
    assert _fits(page)
    item.get_by_role("link", name="Cancel").click()
    page.wait_for_url(f"**/visits/{gone.pk}/cancel/**")
    assert _fits(page)
    _shot(page, "visit-cancel", 390)
    page.get_by_label("Why is it cancelled?").fill("She is staying with her sister")
    page.get_by_role("button", name="Cancel the visit").click()
    page.wait_for_url("**/indicators/my-work/")
    assert page.get_by_text("Visit cancelled: Test Petrova").is_visible()
    assert page.locator('li[data-kind="visit"]', has_text="Test Petrova").count() == 0
    gone.refresh_from_db()
    assert gone.status == PlannedVisit.Status.CANCELLED
    assert gone.cancel_reason == "She is staying with her sister"
    assert AuditEvent.objects.filter(action="plannedvisit.cancel", object_id=str(gone.pk)).exists()

    # The week keeps it, struck through, without buttons.
    page.goto(f"/visits/?week={today.isoformat()}")
    row = page.locator(f'li[data-visit="{gone.pk}"]')
    assert "cancelled" in row.inner_text() and "staying with her sister" in row.inner_text()
    assert row.get_by_role("link", name="Log the contact").count() == 0
    assert row.get_by_role("link", name="Cancel the visit to Test Petrova").count() == 0
    _shot(page, "visits-cancelled", 390)


def test_screenshots_of_the_changed_pages_on_a_desktop(
    desktop_page, browser_login, worker, peer, tandem, calm_client, today
):
    origin = make_origin()
    c = _settled(calm_client, "Ivanova", tandem)
    first = visit_plan(
        client=c,
        actor=worker,
        planned_on=today,
        planned_time=time(9, 30),
        staff=[worker, peer],
        purpose="Walk to the GP for the blood test and talk about the new flat on the way",
        origin=origin,
    )
    visit_plan(
        client=c,
        actor=worker,
        planned_on=today,
        planned_time=None,
        staff=[peer],
        purpose="Bring the benefits form",
        origin=origin,
    )
    page = desktop_page
    browser_login(page, worker)
    for path, shot in (
        ("/visits/", "visits"),
        (f"/visits/{first.pk}/edit/", "visit-edit"),
        (f"/visits/{first.pk}/cancel/", "visit-cancel"),
        ("/indicators/my-work/", "my-work-visit-actions"),
        (f"/clients/{c.pk}/", "client-next-visit"),
    ):
        page.goto(path)
        assert _fits(page, 1280), path
        _shot(page, shot, 1280)
