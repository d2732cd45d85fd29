"""Work without signal (issue 17), at 390 px: the phone's copies, the outbox, conflicts, drafts.

The browser context is set offline and online by Playwright; the service worker, the outbox
(IndexedDB) and the drafts (localStorage) are the app's own (static/outreach/offline.js,
outbox.js, templates/outreach/offline/sw.js), against the live server.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from outreach.models import AuditEvent, Contact
from tests.browser.conftest import PHONE
from tests.factories import ClientFactory, EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("OUTREACH_SHOTS", "var/shots"))

KEPT = """async (paths) => {
  const cache = await caches.open("outreach-data");
  const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
  return paths.every((p) => keys.includes(p));
}"""

STORAGE = """async () => {
  const names = await caches.keys();
  const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
  const local = Object.keys(localStorage).filter((k) => k.startsWith("outreach."));
  const workers = (await navigator.serviceWorker.getRegistrations()).length;
  return { caches: names, dbs, local, workers };
}"""

OUTBOX = """async () => (await self.OutreachOutbox.all()).map((i) => ({ status: i.status, kind: i.kind, label: i.label }))"""


@pytest.fixture
def second_client(team, tandem):
    client = ClientFactory(team=team, tandem=tandem, given_name="Petar", family_name="Georgiev")
    EpisodeFactory(client=client, tandem=tandem)
    return client


def _go_offline_ready(page, browser_login, worker):
    """Sign in and wait until the phone keeps the caseload, My work and the offline pages."""
    browser_login(page, worker)
    page.goto("/caseload/")
    page.wait_for_function(
        KEPT, arg=["/caseload/", "/indicators/my-work/", "/offline/", "/offline/contact/"]
    )


def _log_offline(page, client, note):
    page.get_by_role("link", name=f"Log a contact ({client.full_name})").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Contact with {client.full_name}").first.is_visible()
    page.get_by_label("Minutes").fill("40")
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url("**/caseload/")
    page.get_by_text("Waiting to send").wait_for()


def test_two_contacts_offline_are_saved_once_when_the_signal_returns(
    phone_page, browser_login, worker, team_client, second_client
):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.context.set_offline(True)
    page.goto("/caseload/")
    # The copy says it is one, and how old.
    assert page.get_by_text("Offline copy from").is_visible()
    _log_offline(page, team_client, "Under the bridge; wants help with the ID card.")
    _log_offline(page, second_client, "Not at the shelter; left a note with the staff.")
    assert page.get_by_text("Waiting to send (2)").is_visible()
    assert page.get_by_text("Under the bridge; wants help with the ID card.").is_visible()
    assert not Contact.objects.exists()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "outbox-waiting-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.context.set_offline(False)
    page.get_by_text("Sent and saved:").wait_for()
    assert page.evaluate(OUTBOX) == []
    assert Contact.objects.count() == 2
    first = Contact.objects.get(client=team_client)
    assert first.note == "Under the bridge; wants help with the ID card."
    assert first.duration_minutes == 40
    assert first.author == worker
    # The server audited each write when it arrived, with the time the worker recorded it.
    event = AuditEvent.objects.get(action="contact.create", client=team_client)
    recorded = datetime.fromisoformat(event.detail["recorded_at"])
    assert recorded < event.at  # recorded offline, arrived later
    assert event.at - recorded < timedelta(minutes=5)
