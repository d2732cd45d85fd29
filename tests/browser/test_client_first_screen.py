"""The client page on a phone: the demo's longest record reaches its timeline within three
screens (3 × 844 px at 390 px wide), the care plan card shifts nothing, and "Show more" pages
the timeline with htmx."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.db.models import Count

from outreach.models import Client, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MYWORK_SCREENSHOTS", "")
SCREEN = 844
SCREENS = 3

# Layout shifts since the page started, summed (the Layout Instability API of Chromium).
CLS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) total += e.value; }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO())


def _timeline_top(page) -> int:
    return page.evaluate("document.getElementById('timeline').offsetTop")


def test_the_longest_demo_records_reach_their_timeline_within_three_phone_screens(
    demo, phone_page, desktop_page, browser_login
):
    """One test on one seeded demo (seeding takes 40 s): the phone, then the desktop."""
    supervisor = User.objects.get(username="supervisor")
    supervisor.set_password("correct-horse-battery")
    supervisor.save()
    page = phone_page
    browser_login(page, supervisor)
    # The records with the most of what the first screen and the timeline list: contacts,
    # people, crises, plan actions, stays (the ten with the most of each; all of the demo took
    # 75 s, and the tallest has always been among these).
    measures = {
        "contacts": Count("contacts", distinct=True),
        "people": Count("support_people", distinct=True),
        "crises": Count("crises", distinct=True),
        "actions": Count("episodes__careplan__goals__actions", distinct=True),
        "stays": Count("hospital_stays", distinct=True),
    }
    candidates = []
    for measure in measures.values():
        for pk in (
            Client.objects.annotate(n=measure)
            .order_by("-n", "pk")
            .values_list("pk", flat=True)[:10]
        ):
            if pk not in candidates:
                candidates.append(pk)
    longest = Client.objects.get(pk=candidates[0])
    tops = {}
    for pk in candidates:
        # Wait for the care plan card too: no request of one page may overlap the next.
        page.goto(f"/clients/{pk}/", wait_until="networkidle")
        tops[pk] = _timeline_top(page)
    tallest = max(tops, key=tops.get)
    assert tops[tallest] <= SCREENS * SCREEN, (tallest, tops[tallest])
    print(f"timeline offsetTop: longest record {tops[longest.pk]} px, tallest {tops[tallest]} px")

    # The care plan card is in the page: nothing moves once it has loaded.
    page.goto(f"/clients/{tallest}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(CLS) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": SCREEN})
        page.screenshot(path=os.path.join(SHOTS, "client-first-screen-390.png"))
        page.screenshot(path=os.path.join(SHOTS, "client-page-390.png"), full_page=True)

    # "Show more" brings the next 20 entries into the list without leaving the page.
    page.goto(f"/clients/{longest.pk}/")
    items = page.locator("#timeline-list > li:not(.timeline-more)")
    assert items.count() == 20
    page.get_by_role("link", name="Show more").click()
    items.nth(39).wait_for()
    assert items.count() == 40
    assert page.url.endswith(f"/clients/{longest.pk}/")

    _the_desktop_page_of_the_longest_record(desktop_page, browser_login)


def _the_desktop_page_of_the_longest_record(page, browser_login):
    worker = User.objects.get(username="worker")
    worker.set_password("correct-horse-battery")
    worker.save()
    longest = (
        Client.objects.filter(team__members=worker)
        .annotate(n=Count("contacts"))
        .order_by("-n", "pk")
        .first()
    )
    browser_login(page, worker)
    page.goto(f"/clients/{longest.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _timeline_top(page) <= 900 * 2
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "client-page-1280.png"), full_page=True)
