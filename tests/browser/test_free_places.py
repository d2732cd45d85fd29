"""On a phone and a desktop, the coordinator sees the free places and offers one to the first in
rank; the supervisor sees the same card on My work."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Status
from tests.factories import ReferralFactory, make_origin
from tests.referrals.conftest import ELIGIBLE_ANSWERS, default_criteria

__all__ = ["default_criteria"]  # fixtures used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MYWORK_SCREENSHOTS", "")


@pytest.fixture
def first_in_rank(team, coordinator, default_criteria):
    team.capacity = 2
    team.save()
    origin = make_origin()
    ranked = []
    for name, housing in (("Stoyan", "stable"), ("Milena", "street")):
        referral = ReferralFactory(municipality=team.municipality, given_name=name)
        services.referral_screen(
            referral=referral,
            actor=coordinator,
            answers={**ELIGIBLE_ANSWERS, "housing": housing},
            origin=origin,
        )
        ranked.append(
            services.referral_waitlist(
                referral=referral, actor=coordinator, team=team, origin=origin
            )
        )
    return ranked[1]


def _fits(page, width) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_coordinator_offers_a_free_place_on_a_phone(
    phone_page, browser_login, coordinator, team, tandem, first_in_rank
):
    page = phone_page
    browser_login(page, coordinator)
    page.goto("/referrals/")
    card = page.locator("#free-places")
    assert "2 places free, 2 waiting" in card.inner_text()
    assert "Milena" in card.inner_text()
    assert _fits(page, 390)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "free-places-triage-390.png"), full_page=True)
    card.get_by_role("link", name="Offer the place").click()
    page.wait_for_url(f"**/referrals/{first_in_rank.pk}/decide/?offer={team.pk}")
    assert page.locator("#place-offer").is_visible()
    assert page.get_by_label("Accept").is_checked()
    assert _fits(page, 390)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "free-places-decide-390.png"), full_page=True)
    page.get_by_label("Tandem").select_option(str(tandem.pk))
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**/referrals/{first_in_rank.pk}/")
    first_in_rank.refresh_from_db()
    assert first_in_rank.status == Status.ACCEPTED
    assert first_in_rank.decided_at <= timezone.now()
    page.goto("/referrals/")
    assert "1 place free, 1 waiting" in page.locator("#free-places").inner_text()


def test_screenshots_of_the_free_places(
    phone_page, desktop_page, browser_login, coordinator, supervisor, first_in_rank
):
    for page, width in ((phone_page, 390), (desktop_page, 1280)):
        for user, path, shot in (
            (coordinator, "/referrals/", "free-places-triage"),
            (coordinator, "/referrals/waiting/", "free-places-waiting-list"),
            (supervisor, "/indicators/my-work/", "free-places-my-work"),
        ):
            page.context.clear_cookies()
            browser_login(page, user)
            page.goto(path)
            assert page.locator("#free-places").is_visible(), path
            assert _fits(page, width), path
            if SHOTS:
                page.screenshot(path=os.path.join(SHOTS, f"{shot}-{width}.png"), full_page=True)
