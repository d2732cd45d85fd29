"""Background Sync (issue 17): a form queued without signal registers the sync tag
`outreach-outbox`; when the signal returns the browser fires the service worker's sync event,
and the worker sends the outbox even with no page of the app open (it fetches a CSRF token
itself). Headless Chromium does fire it here: its Background Sync follows the DevTools offline
emulation that Playwright's `set_offline` uses. A second sync (fired again through the DevTools
protocol, ServiceWorker.dispatchSyncEvent) sends nothing twice.
"""

from __future__ import annotations

import time

import pytest

from outreach.models import AuditEvent, Contact
from tests.browser.test_offline import _go_offline_ready, _log_offline

pytestmark = pytest.mark.django_db(transaction=True)

TAGS = """async () => {
  const reg = await navigator.serviceWorker.ready;
  return reg.sync ? await reg.sync.getTags() : null;
}"""


EMPTY_OUTBOX = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open("outreach");
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const count = db.transaction("outbox").objectStore("outbox").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""


def _registration(page, session, scope_url):
    found = {}

    def seen(event):
        for reg in event["registrations"]:
            if reg["scopeURL"] == scope_url and not reg["isDeleted"]:
                found["id"] = reg["registrationId"]

    session.on("ServiceWorker.workerRegistrationUpdated", seen)
    session.send("ServiceWorker.enable")
    for _ in range(50):
        if "id" in found:
            return found["id"]
        page.wait_for_timeout(100)  # (Playwright delivers the events meanwhile)
    raise AssertionError("no service worker registration for " + scope_url)


def test_the_workers_sync_sends_the_outbox_with_no_page_open(
    phone_page, browser_login, worker, team_client, live_server
):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.context.set_offline(True)
    page.goto("/caseload/")
    _log_offline(page, team_client, "Sent by the worker's sync.")
    # The queued form asked for a Background Sync.
    assert page.evaluate(TAGS) == ["outreach-outbox"]
    # No page of the app stays open: only the service worker can send it now.
    page.goto("about:blank")
    requests = []
    page.context.on("request", lambda request: requests.append(request))
    page.context.set_offline(False)
    # The browser fires the sync by itself; the service worker sends the form.
    for _ in range(150):
        if Contact.objects.exists():
            break
        time.sleep(0.1)
    assert Contact.objects.count() == 1
    assert page.evaluate("location.href") == "about:blank"  # (and Playwright's events arrive)
    posts = [r for r in requests if r.method == "POST" and "/contacts/new/" in r.url]
    assert posts and all(r.service_worker is not None for r in posts)

    session = page.context.new_cdp_session(page)
    registration = _registration(page, session, live_server.url + "/")
    for _ in range(2):  # the sync fired again: the form left the outbox, nothing is sent twice
        session.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": live_server.url,
                "registrationId": registration,
                "tag": "outreach-outbox",
                "lastChance": False,
            },
        )
        time.sleep(1)
    assert Contact.objects.count() == 1
    assert Contact.objects.get().note == "Sent by the worker's sync."
    assert AuditEvent.objects.filter(action="contact.create").count() == 1
    # The outbox is empty. (Looked at from a static file of the app's origin: a page of the app
    # would start its own refresh of the kept copies, still running when the test ends.)
    page.goto("/static/outreach/app.css")
    assert page.evaluate(EMPTY_OUTBOX) == 0
