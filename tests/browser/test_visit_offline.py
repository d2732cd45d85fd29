"""Planned visits without signal (issue 17), at 390 px: a visit planned, a visit's contact
logged and a visit marked missed while the phone is offline wait in the outbox and are saved
exactly once when the signal returns (also when the first answer was lost and it is resent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from outreach.models import AuditEvent, Contact, PlannedVisit
from outreach.visits.services import visit_plan
from tests.browser.conftest import PHONE
from tests.browser.test_offline import OUTBOX, _go_offline_ready
from tests.factories import ClientFactory, EpisodeFactory, make_origin

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("OUTREACH_SHOTS", "var/shots"))


@pytest.fixture
def second_client(team, tandem):
    client = ClientFactory(team=team, tandem=tandem, given_name="Petar", family_name="Georgiev")
    EpisodeFactory(client=client, tandem=tandem)
    return client


def _queued(page, label):
    """Sent without signal: the phone shows the caseload's copy, the item waiting."""
    page.wait_for_url("**/caseload/")
    page.get_by_text("Waiting to send").wait_for()
    assert page.locator(".outbox-waiting .outbox-item", has_text=label).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _sent(page):
    page.get_by_text("Sent and saved:").wait_for()
    assert page.evaluate(OUTBOX) == []


def test_a_visit_planned_offline_is_saved_once_also_when_resent(
    phone_page, browser_login, worker, peer, team_client
):
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.goto(f"/visits/new/?client={team_client.pk}")
    page.get_by_label("Purpose").fill("Walk to the GP")
    page.context.set_offline(True)  # the signal goes while the worker types
    page.get_by_role("button", name="Plan the visit").click()
    _queued(page, "Visit planned: Maria Ivanova")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "outbox-visit-waiting-390.png", full_page=True)
    assert not PlannedVisit.objects.exists()

    # The first send reaches the server, but its answer is lost on the way back.
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.fetch())
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/visits/new/", lose_the_first_answer)
    page.context.set_offline(False)
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_function("() => !document.querySelector('[data-outbox-send]').disabled")
    assert lost and PlannedVisit.objects.count() == 1
    assert [i["status"] for i in page.evaluate(OUTBOX)] == ["waiting"]
    page.get_by_role("button", name="Send now").click()
    _sent(page)
    visit = PlannedVisit.objects.get()
    assert visit.purpose == "Walk to the GP" and visit.client == team_client
    assert set(visit.staff.all()) == {worker, peer}
    assert AuditEvent.objects.filter(action="plannedvisit.create").count() == 1


def test_a_visit_done_and_a_visit_missed_offline_are_saved_once(
    phone_page, browser_login, worker, peer, team_client, second_client
):
    origin = make_origin()
    done, missed = (
        visit_plan(
            client=c,
            actor=worker,
            planned_on=timezone.localdate(),
            planned_time=None,
            staff=[worker, peer],
            purpose=purpose,
            origin=origin,
        )
        for c, purpose in ((team_client, "Bring the form"), (second_client, "Check in"))
    )
    page = phone_page
    _go_offline_ready(page, browser_login, worker)

    # The contact of a planned visit, from My work, sent without signal.
    page.goto("/indicators/my-work/")
    page.locator('li[data-kind="visit"]', has_text="Maria Ivanova").locator("a.work-item").click()
    page.wait_for_url(f"**/visits/{done.pk}/contact/")
    page.context.set_offline(True)
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Minutes").fill("35")
    page.get_by_role("button", name="Save contact").click()
    _queued(page, "Visit done: contact with Maria Ivanova")
    assert not Contact.objects.exists()
    page.context.set_offline(False)
    _sent(page)
    done.refresh_from_db()
    assert done.status == "done" and done.contact == Contact.objects.get()
    assert done.contact.duration_minutes == 35

    # The other one marked missed: the page opened with signal, sent without.
    page.goto(f"/visits/{missed.pk}/missed/")
    page.context.set_offline(True)
    page.get_by_label("Why did the visit not happen?").fill("Not at the shelter")
    page.get_by_role("button", name="Mark missed").click()
    _queued(page, "Visit missed: Petar Georgiev")
    missed.refresh_from_db()
    assert missed.status == "planned"
    page.context.set_offline(False)
    _sent(page)
    missed.refresh_from_db()
    assert missed.status == "missed" and missed.missed_reason == "Not at the shelter"
    assert AuditEvent.objects.filter(action="plannedvisit.done").count() == 1
    assert AuditEvent.objects.filter(action="plannedvisit.missed").count() == 1
    assert Contact.objects.count() == 1


def test_a_visit_opened_from_my_work_without_signal_is_logged_once(
    phone_page, browser_login, worker, peer, team_client
):
    """No signal from the start: My work is the phone's copy, the visit's contact form the
    empty one the service worker keeps; it is sent to the visit's own address."""
    visit = visit_plan(
        client=team_client,
        actor=worker,
        planned_on=timezone.localdate(),
        planned_time=None,
        staff=[worker, peer],
        purpose="Bring the form",
        origin=make_origin(),
    )
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    link = f"/visits/{visit.pk}/contact/"
    page.wait_for_function(
        """async (link) => {
          const copy = await (await caches.open("outreach-data")).match("/indicators/my-work/");
          return !!copy && (await copy.text()).includes(`href="${link}"`);
        }""",
        arg=link,
    )
    page.context.set_offline(True)
    page.goto("/indicators/my-work/")
    assert page.get_by_text("Offline copy from").is_visible()
    page.locator('li[data-kind="visit"]', has_text="Maria Ivanova").locator("a.work-item").click()
    page.wait_for_url(f"**/visits/{visit.pk}/contact/")
    page.get_by_text("Visit done: contact with Maria Ivanova").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "offline-visit-contact-390.png", full_page=True)
    page.get_by_label("Face to face").check()
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Minutes").fill("25")
    page.get_by_role("button", name="Save contact").click()
    _queued(page, "Visit done: contact with Maria Ivanova")
    assert not Contact.objects.exists()
    page.context.set_offline(False)
    _sent(page)
    visit.refresh_from_db()
    assert visit.status == "done" and visit.contact == Contact.objects.get()
    assert visit.contact.duration_minutes == 25 and visit.contact.author == worker


def test_a_visit_marked_missed_from_my_work_without_signal_is_saved_once(
    phone_page, browser_login, worker, peer, team_client
):
    """No signal from the start: the Missed link of a visit on the kept My work opens the
    empty reason form the service worker keeps; it is sent to the visit's own address."""
    visit = visit_plan(
        client=team_client,
        actor=worker,
        planned_on=timezone.localdate(),
        planned_time=None,
        staff=[worker, peer],
        purpose="Bring the form",
        origin=make_origin(),
    )
    page = phone_page
    _go_offline_ready(page, browser_login, worker)
    page.wait_for_function(
        """async () => {
          const data = await caches.open("outreach-data");
          const copy = await data.match("/indicators/my-work/");
          return !!copy && !!(await data.match("/offline/missed/"))
            && (await copy.text()).includes("/missed/?next=");
        }"""
    )
    page.context.set_offline(True)
    page.goto("/indicators/my-work/")
    assert page.get_by_text("Offline copy from").is_visible()
    item = page.locator('li[data-kind="visit"]', has_text="Maria Ivanova")
    item.get_by_role("link", name="Missed").click()
    page.wait_for_url(f"**/visits/{visit.pk}/missed/**")
    page.get_by_text("Visit missed: Maria Ivanova").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Why did the visit not happen?").fill("Not under the bridge today")
    page.get_by_role("button", name="Mark missed").click()
    page.get_by_text("Waiting to send").wait_for()
    assert page.locator(".outbox-waiting .outbox-item", has_text="Visit missed: Maria").count()
    visit.refresh_from_db()
    assert visit.status == "planned"
    page.context.set_offline(False)
    _sent(page)
    visit.refresh_from_db()
    assert visit.status == "missed" and visit.missed_reason == "Not under the bridge today"
    assert AuditEvent.objects.filter(action="plannedvisit.missed").count() == 1
