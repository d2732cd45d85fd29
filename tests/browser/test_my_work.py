"""On a phone, a worker starts the day on My work: signs a plan, and sees a discharge to follow up."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from careplans.models import PlanSignoff
from tests.caseload_fixtures import calm_client, noon, today
from tests.outreach.caserecord.factories import AgencyRequestFactory, HospitalStayFactory

__all__ = ["calm_client", "noon", "today"]  # fixtures used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the screenshots of My work go (looked at by hand; not kept in the repository).
SHOTS = os.environ.get("MYWORK_SCREENSHOTS", "")


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_worker_finds_a_plan_to_sign_signs_it_and_the_item_goes(
    phone_page, browser_login, worker, tandem, calm_client
):
    client = calm_client("Ivanova", tandem=tandem)
    plan = client.episodes.get().careplan
    page = phone_page
    browser_login(page, worker)
    # The worker lands on My work.
    page.wait_for_url("**/indicators/my-work/")
    assert page.get_by_role("heading", name="My work").is_visible()
    item = page.locator('li[data-kind="signature"]')
    assert item.count() == 1
    assert "Test Ivanova" in item.inner_text()
    # The menu shows the count.
    assert page.locator("nav .menu-count").first.text_content().split() == ["1", "to", "do"]
    assert _fits_the_phone(page)

    item.get_by_role("link").click()
    page.wait_for_url(f"**/careplans/plans/{plan.pk}/**")
    page.get_by_role("button", name=f"Sign off version {plan.version}").click()
    assert page.get_by_text(f"You signed off version {plan.version}.").is_visible()
    assert PlanSignoff.objects.filter(careplan=plan, user=worker).exists()

    page.get_by_role("link", name="My work").click()
    page.wait_for_url("**/indicators/my-work/")
    assert page.locator('li[data-kind="signature"]').count() == 0
    assert page.get_by_text("Nothing is waiting.").is_visible()
    assert page.locator("nav .menu-count").count() == 0


def test_a_discharge_today_puts_the_client_on_the_list(
    phone_page, browser_login, worker, tandem, calm_client, today
):
    client = calm_client("Petrova", tandem=tandem, seen_days_ago=3)
    PlanSignoff.objects.create(careplan=client.episodes.get().careplan, plan_version=1, user=worker)
    stay = HospitalStayFactory(
        client=client, admitted_on=today - timedelta(days=6), discharged_on=None
    )
    page = phone_page
    browser_login(page, worker)
    page.wait_for_url("**/indicators/my-work/")
    assert page.locator('li[data-kind="discharge"]').count() == 0

    page.goto(f"/clients/{client.pk}/hospital-stays/{stay.pk}/edit/")
    page.get_by_label("Discharged on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/clients/{client.pk}/")
    alert = page.locator('[data-due="discharge_followup"]')
    assert alert.is_visible() and "within 72 hours" in alert.inner_text()
    assert _fits_the_phone(page)

    page.get_by_role("link", name="My work").click()
    page.wait_for_url("**/indicators/my-work/")
    today_group = page.locator("section.work-today")
    item = today_group.locator('li[data-kind="discharge"]')
    assert item.count() == 1
    assert "Test Petrova" in item.inner_text() and "Within 72 hours" in item.inner_text()
    assert _fits_the_phone(page)


def test_screenshots_of_my_work(
    phone_page, desktop_page, browser_login, worker, tandem, calm_client, today, noon
):
    """A full list at phone and desktop width (saved when MYWORK_SCREENSHOTS names a folder)."""
    calm_client("Ivanova", tandem=tandem)
    late = calm_client("Georgieva", tandem=tandem, seen_days_ago=19)
    AgencyRequestFactory(
        client=late, agency="Дирекция Социално подпомагане", sent_on=today - timedelta(days=35)
    )
    stay = calm_client("Petrova", tandem=tandem, seen_days_ago=6)
    HospitalStayFactory(
        client=stay, admitted_on=today - timedelta(days=9), discharged_on=today - timedelta(days=1)
    )
    for page, width in ((phone_page, 390), (desktop_page, 1280)):
        browser_login(page, worker)
        page.goto("/indicators/my-work/")
        assert page.locator("li[data-kind]").count() >= 4
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"my-work-{width}.png"), full_page=True)


def test_the_supervisor_picks_a_tandem_on_a_phone(
    phone_page, browser_login, supervisor, tandem, calm_client
):
    calm_client("Ivanova", tandem=tandem, seen_days_ago=20)
    page = phone_page
    browser_login(page, supervisor)
    page.goto("/indicators/my-work/")
    assert page.locator('li[data-kind="not_seen"]').count() == 1
    page.get_by_label("Tandem").select_option(str(tandem.pk))
    page.wait_for_url(f"**tandem={tandem.pk}**")
    assert "Test Ivanova" in page.locator('li[data-kind="not_seen"]').inner_text()
    assert _fits_the_phone(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "my-work-supervisor-390.png"), full_page=True)
