"""No page scrolls sideways on a 390 px phone, whatever people type into the record.

Each role signs in and walks every page it can reach by links from its menu (two clicks deep,
one page per route), with a pasted map link in a referral, a long whereabouts and a 5,000
character note in the record. On every page the document is no wider than the phone.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from outreach.models import Episode
from tests.factories import ContactFactory, ReferralFactory, SupportPersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP_LINK = (
    "https://maps.example.org/place/Sofia+Central+Station/@42.7123456,23.3212345,17z/data="
    + "!3m1!4b1!4m6!3m5!1s0x40aa856cd6a6a3e3:0x1f0d8b0b0b0b0b0b!8m2!3d42.7123!4d23.3212" * 3
)
LONG_WORDS = "Underthebridgeneartheoldtobaccofactorybehindthegaragesontherightbank " * 8
LONG_NOTE = ("Met at the day centre; talked about the flat and the documents. " * 80)[
    :4980
] + " Zebra ends."
SKIP = ("/accounts/logout/", "/admin/", "/i18n/", "/account/language/", "/api/")
SKIP_SUFFIXES = (".pdf", ".csv", ".json", "/download/")


@pytest.fixture
def long_texts(team, tandem, team_client, coordinator, partner):
    team_client.whereabouts = LONG_WORDS + MAP_LINK
    team_client.save()
    Episode.objects.create(
        client=team_client, tandem=tandem, started_on=timezone.localdate() - timedelta(days=60)
    )
    ContactFactory(client=team_client, author=tandem.professional, note=LONG_NOTE)
    ContactFactory(client=team_client, author=tandem.professional, note=MAP_LINK)
    SupportPersonFactory(client=team_client, name="Supporter " + LONG_WORDS[:120])
    ReferralFactory(
        municipality=coordinator.municipality,
        whereabouts=MAP_LINK,
        reasons=LONG_WORDS + MAP_LINK,
        submitted_by=partner,
    )


def _route(path: str) -> str | None:
    try:
        return str(resolve(path).route)
    except Resolver404:
        return None


def _internal_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP) or parts.path.endswith(SKIP_SUFFIXES):
            continue
        out.append(path)
    return out


def _walk(page, base: str, depth: int = 2) -> dict[str, int]:
    """Visit one page per route reachable from the start page; return {path: scrollWidth}."""
    seen_routes: set[str] = set()
    widths: dict[str, int] = {}
    frontier = [page.url.removeprefix(base) or "/"]
    for _level in range(depth + 1):
        next_frontier = []
        for path in frontier:
            route = _route(path.split("?")[0])
            if route is None or route in seen_routes:
                continue
            seen_routes.add(route)
            response = page.goto(path)
            if response is None or response.status != 200:
                continue
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
            next_frontier.extend(_internal_links(page, base))
        frontier = next_frontier
    return widths


@pytest.mark.parametrize("role", ["worker", "supervisor", "coordinator", "partner", "dpo"])
def test_no_page_is_wider_than_the_phone(
    request, role, phone_page, browser_login, live_server, long_texts
):
    user = request.getfixturevalue(role)
    browser_login(phone_page, user)
    widths = _walk(phone_page, live_server.url)
    assert len(widths) >= 3, f"the walk found too few pages for {role}: {widths}"
    too_wide = {path: width for path, width in widths.items() if width > 390}
    assert not too_wide, f"pages wider than 390 px for {role}: {too_wide}"


def test_a_long_note_folds_on_the_phone(phone_page, browser_login, worker, team_client, long_texts):
    page = phone_page
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/")
    fold = page.locator("details.fold").first
    assert fold.bounding_box()["height"] < 250  # a few lines, not four phone screens
    ending = page.get_by_text("Zebra ends.", exact=False)
    assert not ending.is_visible()
    fold.get_by_text("Show more").click()
    assert ending.is_visible()
    assert fold.bounding_box()["height"] > 1000
