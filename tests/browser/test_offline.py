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
from django.contrib.sessions.models import Session

from outreach.models import AuditEvent, Contact
from tests.browser.conftest import DESKTOP, PHONE
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
    row = page.locator(f'tr[data-client-id="{client.pk}"]')
    row.get_by_role("link", name="Log a contact").click()
    page.wait_for_load_state()
    # The offline form fills itself in from the kept caseload: slow on a loaded machine.
    page.get_by_text(f"Contact with {client.full_name}").first.wait_for(timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "offline-contact-form-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
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
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SHOTS / "outbox-waiting-1280.png", full_page=True)
    page.set_viewport_size(PHONE)

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


def test_a_resend_after_a_lost_answer_saves_once(
    phone_page, browser_login, worker, team_client, second_client
):
    """The first send reaches the server but its answer is lost; the outbox sends it again."""
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.context.set_offline(True)
    page.goto("/caseload/")
    _log_offline(page, team_client, "Met at the station.")
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.fetch())  # the server gets it and saves it
            route.abort("connectionreset")  # but the phone never hears back
        else:
            route.continue_()

    page.route("**/contacts/new/", lose_the_first_answer)
    page.context.set_offline(False)
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_function("() => !document.querySelector('[data-outbox-send]').disabled")
    assert lost and Contact.objects.count() == 1
    # Still waiting on the phone: it never heard that the server saved it.
    assert page.evaluate(OUTBOX) == [
        {"status": "waiting", "kind": "", "label": "Contact with Maria Ivanova"}
    ]
    page.get_by_role("button", name="Send now").click()
    page.get_by_text("Sent and saved:").wait_for()
    assert page.evaluate(OUTBOX) == []
    assert Contact.objects.count() == 1
    assert AuditEvent.objects.filter(action="contact.create").count() == 1

    # Two senders at once (a page and the worker's Background Sync) with the same item.
    page.context.set_offline(True)
    page.goto("/caseload/")
    _log_offline(page, second_client, "Second visit.")
    page.context.set_offline(False)
    sent = page.evaluate(
        """async () => {
          const [item] = await self.OutreachOutbox.all();
          const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
          return Promise.all([self.OutreachOutbox.sendOne(item, csrf), self.OutreachOutbox.sendOne(item, csrf)]);
        }"""
    )
    assert [s["state"] for s in sent] == ["sent", "sent"]
    assert Contact.objects.filter(client=second_client).count() == 1


def test_refused_items_wait_for_the_worker_who_fixes_or_discards_them(
    phone_page, browser_login, worker, team_client, second_client, other_team
):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.context.set_offline(True)
    page.goto("/caseload/")
    _log_offline(page, team_client, "Long talk about housing.")
    _log_offline(page, second_client, "Brief hello.")
    # Meanwhile one item became invalid (minutes the server refuses) and one client moved away.
    page.evaluate(
        """async () => {
          const items = await self.OutreachOutbox.all();
          const item = items.find((i) => i.label.includes("Maria"));
          item.fields = item.fields.map(([k, v]) => [k, k === "duration_minutes" ? "2000" : v]);
          await self.OutreachOutbox.put(item);
        }"""
    )
    second_client.team = other_team
    second_client.save(update_fields=["team"])

    page.context.set_offline(False)
    page.get_by_text("Needs attention (2)").wait_for()
    assert not Contact.objects.exists()
    assert page.get_by_text("did not find this client among your team").is_visible()
    assert page.get_by_text("Minutes").first.is_visible()
    assert page.locator(".outbox-item.attention .errorlist").get_by_text("1440").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "outbox-attention-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SHOTS / "outbox-attention-1280.png", full_page=True)
    page.set_viewport_size(PHONE)

    # Nothing goes without the worker's say: a discard asks first.
    moved = page.locator(".outbox-item", has_text="Petar Georgiev")
    page.once("dialog", lambda dialog: dialog.dismiss())
    moved.get_by_role("button", name="Discard").click()
    assert moved.is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    moved.get_by_role("button", name="Discard").click()
    page.get_by_text("Needs attention (1)").wait_for()

    # The invalid one opens in its own form, filled in; corrected, it is saved once.
    page.locator(".outbox-item", has_text="Maria Ivanova").get_by_role(
        "button", name="Open the form"
    ).click()
    page.wait_for_url(f"**/clients/{team_client.pk}/contacts/new/")
    assert page.get_by_text("was restored").is_visible()
    assert page.get_by_label("Note").input_value() == "Long talk about housing."
    assert page.get_by_label("Minutes").input_value() == "2000"
    page.get_by_label("Minutes").fill("45")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    assert page.get_by_text("Contact saved.").is_visible()
    assert page.evaluate(OUTBOX) == []
    assert Contact.objects.get().note == "Long talk about housing."
    assert not Contact.objects.filter(client=second_client).exists()
    assert page.evaluate(STORAGE)["local"] == ["outreach.lastServerContact"]


def test_a_form_typed_across_the_idle_timeout_comes_back_after_sign_in(
    phone_page, browser_login, worker, team_client, settings
):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    settings.SESSION_COOKIE_AGE = 5  # the idle timeout, shortened
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.get_by_label("Minutes").fill("50")
    page.get_by_label("Note").fill("She talked about her sister in Plovdiv.")
    # The worker keeps talking with the client; the session ends meanwhile.
    page.get_by_text("Your session has ended").wait_for(timeout=15_000)
    page.get_by_role("link", name="Sign in again").click()
    page.wait_for_url("**/accounts/login/**")
    settings.SESSION_COOKIE_AGE = 600
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/clients/{team_client.pk}/contacts/new/")
    assert page.get_by_text("was restored").is_visible()
    assert page.get_by_label("Note").input_value() == "She talked about her sister in Plovdiv."
    assert page.get_by_label("Minutes").input_value() == "50"
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    assert Contact.objects.get().note == "She talked about her sister in Plovdiv."
    # Saved: the draft is gone.
    assert not [k for k in page.evaluate(STORAGE)["local"] if k.startswith("outreach.draft")]


def test_a_form_sent_after_the_session_ended_is_kept_and_restored(
    phone_page, browser_login, worker, team_client, settings
):
    """No script timer this time: the form is sent, the server asks for a sign-in first."""
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.get_by_label("Note").fill("Typed before the session ended.")
    Session.objects.all().delete()  # the session ended on the server
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url("**/accounts/login/**")
    # The session ended: the copies of the caseload and My work go (the draft stays).
    page.wait_for_function("async () => !(await caches.has('outreach-data'))")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/clients/{team_client.pk}/contacts/new/")
    assert page.get_by_label("Note").input_value() == "Typed before the session ended."
    assert not Contact.objects.exists()


def test_sign_out_clears_the_phone(phone_page, browser_login, worker, team_client):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.context.set_offline(True)
    page.goto("/caseload/")
    _log_offline(page, team_client, "Waiting when signing out.")
    page.context.set_offline(False)
    page.route("**/contacts/new/", lambda route: route.abort())  # keep it waiting
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.get_by_label("Note").fill("A draft.")
    page.wait_for_timeout(400)
    before = page.evaluate(STORAGE)
    assert "outreach-data" in before["caches"] and "outreach" in before["dbs"]
    assert any(k.startswith("outreach.draft") for k in before["local"])
    assert before["workers"] == 1
    # Forms still waiting: the worker is asked first; saying no keeps everything.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_timeout(300)
    assert page.evaluate(OUTBOX) != []
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    after = page.evaluate(STORAGE)
    assert after == {"caches": [], "dbs": [], "local": [], "workers": 0}
    # Signed out, the kept copy is not served any more: without signal there is nothing.
    page.context.set_offline(True)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto("/caseload/")


def test_copies_older_than_72_hours_are_not_shown(phone_page, browser_login, worker, team_client):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    # Make the kept copies 73 hours old, as if the phone had been offline for three days. A
    # refresh the pages asked for may still be on its way and keep a fresh copy after that:
    # age again until every copy stays old for a moment.
    for _ in range(20):
        fresh = page.evaluate(
            """async () => {
              const cache = await caches.open("outreach-data");
              for (const request of await cache.keys()) {
                const old = await cache.match(request);
                const headers = new Headers(old.headers);
                headers.set("x-outreach-kept-at", String(Date.now() - 73 * 3600 * 1000));
                await cache.put(request, new Response(await old.blob(), { headers }));
              }
              await new Promise((resolve) => setTimeout(resolve, 500));
              let fresh = 0;
              for (const request of await cache.keys()) {
                const at = Number((await cache.match(request)).headers.get("x-outreach-kept-at"));
                if (Date.now() - at < 72 * 3600 * 1000) fresh += 1;
              }
              return fresh;
            }"""
        )
        if fresh == 0:
            break
    assert fresh == 0
    page.context.set_offline(True)
    page.goto("/caseload/")
    assert page.get_by_text("No signal.").is_visible()
    assert team_client.family_name not in page.content()
    # The worker drops the old copies as it answers; the deletion may end just after the page.
    page.wait_for_function(
        "caches.open('outreach-data').then((c) => c.keys()).then((k) => k.length === 0)",
        polling=200,
        timeout=10_000,
    )


def test_a_plan_typed_before_a_reload_is_offered_back(
    phone_page, browser_login, worker, team_client
):
    page = phone_page
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/")
    page.get_by_role("link", name="Start the plan").click()
    page.get_by_role("button", name="Start the plan with the client").click()
    page.get_by_label("What matters to me").fill("A key to my own door.")
    page.get_by_label("Housing").fill("Sleeps at the shelter.")
    page.wait_for_timeout(400)
    version = page.locator("input[name=version]").input_value()
    page.reload()  # or the phone's browser was closed, or crashed
    assert page.get_by_label("What matters to me").input_value() == ""
    page.get_by_text("A draft of this form from").wait_for()
    page.get_by_role("button", name="Restore the draft").click()
    assert page.get_by_label("What matters to me").input_value() == "A key to my own door."
    assert page.get_by_label("Housing").input_value() == "Sleeps at the shelter."
    # The draft keeps the version it was typed against (a newer one would be a conflict).
    assert page.locator("input[name=version]").input_value() == version
    page.get_by_label("The client", exact=True).check()
    page.get_by_role("button", name="Save the plan").click()
    assert page.get_by_text("Plan saved as a new version.").is_visible()
    assert not [k for k in page.evaluate(STORAGE)["local"] if k.startswith("outreach.draft")]
