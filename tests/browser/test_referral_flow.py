"""A partner submits a referral on a phone; a coordinator screens and accepts it; the new client
is on the tandem's caseload."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from outreach.models import Episode
from referrals.models import CriteriaVersion, Referral, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = {
    "adult": "yes",
    "severe_mental_illness": "yes",
    "outside_area": "no",
    "housing": "street",
    "admissions": "involuntary",
    "hard_to_engage": "yes",
}


@pytest.fixture
def criteria(db):
    # A transactional test's flush removes the rows of data migrations: put the default back.
    if not CriteriaVersion.objects.filter(municipality__isnull=True).exists():
        module = importlib.import_module("referrals.migrations.0002_default_criteria")
        module.create_default(django_apps, None)


def test_partner_submits_on_a_phone_and_coordinator_accepts(
    phone_page,
    desktop_page,
    chromium_browser,
    live_server,
    browser_login,
    partner,
    coordinator,
    tandem,
    worker,
    criteria,
):
    page = phone_page
    browser_login(page, partner)
    assert page.url.endswith("/referrals/")
    page.get_by_role("link", name="Submit a referral").click()
    page.get_by_label("Given name").fill("Todor")
    page.get_by_label("Family name").fill("Hristov")
    page.get_by_label("Approximate age").fill("52")
    page.get_by_label("Whereabouts").fill("Central station, east entrance")
    page.get_by_label("Reasons for referral").fill("Sleeps rough; stopped his medication.")
    page.get_by_label("The person knows about this referral").check()
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Referral received").is_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    referral = Referral.objects.get(family_name="Hristov")
    assert referral.submitted_by == partner

    page = desktop_page
    browser_login(page, coordinator)
    assert page.url.endswith("/referrals/")
    page.get_by_role("link", name="Todor Hristov").click()
    page.get_by_role("link", name="Screen with the checklist").click()
    for code, value in ANSWERS.items():
        page.locator(f'input[name="{code}"][value="{value}"]').check()
    page.get_by_role("button", name="Save and score").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Checklist saved: score 8, eligible.").is_visible()
    assert page.locator("#score-explanation").get_by_text("Homeless (street)").is_visible()

    page.get_by_role("link", name="Decide", exact=True).click()
    page.get_by_label("Accept").check()
    page.get_by_label("Team").select_option(str(tandem.team.pk))
    page.get_by_label("Tandem").select_option(str(tandem.pk))
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Decision recorded: Accepted.").is_visible()

    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.client.tandem == tandem
    assert Episode.objects.filter(client=referral.client, ended_on__isnull=True).exists()

    # The partner sees the outcome; the worker finds the new client on the caseload.
    phone_page.goto("/referrals/")
    assert phone_page.get_by_text("Accepted").first.is_visible()
    context = chromium_browser.new_context(base_url=live_server.url)
    worker_page = context.new_page()
    browser_login(worker_page, worker)
    # Accepted today and not seen yet is not late: My work does not list him, the caseload does.
    assert "/indicators/my-work/" in worker_page.url
    worker_page.get_by_role("link", name="My caseload").click()
    worker_page.wait_for_url("**/caseload/")
    assert worker_page.get_by_role("link", name="Todor Hristov").is_visible()
    context.close()
