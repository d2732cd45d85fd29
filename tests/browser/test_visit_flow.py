"""On a phone, a worker plans a visit, then turns it into a contact from My work in one tap."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from careplans.models import PlanSignoff
from outreach.models import Contact, PlannedVisit
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


def test_a_planned_visit_is_turned_into_a_contact_and_leaves_my_work(
    phone_page, browser_login, worker, peer, tandem, calm_client, today
):
    client = _settled(calm_client, "Ivanova", tandem)
    page = phone_page
    browser_login(page, worker)
    page.wait_for_url("**/indicators/my-work/")
    assert page.locator('li[data-kind="visit"]').count() == 0

    # Plan it from the week's page.
    page.get_by_role("link", name="Visits").click()
    page.wait_for_url("**/visits/**")
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_label("Client").select_option(str(client.pk))
    page.get_by_label("Day").fill(today.isoformat())
    page.get_by_label("Purpose").fill("Bring the benefits form")
    page.get_by_role("button", name="Plan the visit").click()
    page.wait_for_url("**/visits/?week=**")
    assert page.get_by_text("Bring the benefits form").is_visible()
    assert _fits(page)
    visit = PlannedVisit.objects.get()

    # My work lists it today; one tap opens the contact form filled from the visit.
    page.get_by_role("link", name="My work").click()
    page.wait_for_url("**/indicators/my-work/")
    item = page.locator("section.work-today").locator('li[data-kind="visit"]')
    assert item.count() == 1 and "Test Ivanova" in item.inner_text()
    item.locator("a.work-item").click()
    page.wait_for_url(f"**/visits/{visit.pk}/contact/")
    assert page.get_by_label("Note").input_value() == "Bring the benefits form"
    assert page.get_by_label("Face to face").is_checked()
    assert _fits(page)
    # The worker confirms outcome and minutes, and saves.
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Minutes").fill("45")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"**/clients/{client.pk}/")
    assert page.get_by_text("Contact saved; the visit is done.").is_visible()
    visit.refresh_from_db()
    assert visit.status == "done"
    assert visit.contact == Contact.objects.get(client=client, duration_minutes=45)

    page.get_by_role("link", name="My work").click()
    page.wait_for_url("**/indicators/my-work/")
    assert page.locator('li[data-kind="visit"]').count() == 0


def test_screenshots_of_the_week(
    phone_page, desktop_page, browser_login, worker, peer, tandem, calm_client, today
):
    """The week's plan at phone and desktop width (saved when MYWORK_SCREENSHOTS names a folder)."""
    origin = make_origin()
    for n, name in enumerate(["Ivanova", "Petrova", "Georgieva"]):
        c = _settled(calm_client, name, tandem)
        visit_plan(
            client=c,
            actor=worker,
            planned_on=today + timedelta(days=n),
            planned_time=None,
            staff=[worker, peer],
            purpose="Walk to the GP for the blood test and talk about the new flat on the way",
            origin=origin,
        )
    for page, width in ((phone_page, 390), (desktop_page, 1280)):
        browser_login(page, worker)
        for path, shot in (
            ("/visits/", "visits"),
            (f"/visits/{PlannedVisit.objects.first().pk}/contact/", "visit-contact"),
            (f"/visits/{PlannedVisit.objects.first().pk}/missed/", "visit-missed"),
            ("/visits/new/", "visit-new"),
            ("/caseload/", "caseload-visits"),
            ("/indicators/my-work/", "my-work-visits"),
        ):
            page.goto(path)
            assert _fits(page, width), path
            if SHOTS:
                page.screenshot(path=os.path.join(SHOTS, f"{shot}-{width}.png"), full_page=True)
