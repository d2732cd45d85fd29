"""Consent on a phone and a desktop: record one with a scope, withdraw it from the client's page.

Set SCREENSHOT_DIR to keep screenshots of the pages at both widths.
"""

from __future__ import annotations

import os
from pathlib import Path

from outreach.models import Consent
from tests.factories import SupportPersonFactory


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _record_and_withdraw(page, width, browser_login, worker, team_client):
    SupportPersonFactory(client=team_client, name="Vesela Petrova")
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/consents/new/")
    page.get_by_label("Shared with").fill("Vesela Petrova")
    page.get_by_label("Person of the support network").select_option(label="Vesela Petrova")
    page.get_by_label("What may be shared").select_option("crisis_sheet")
    _shot(page, f"consent-form-{width}")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    consent = Consent.objects.get()
    assert consent.support_person.name == "Vesela Petrova"
    page.get_by_role("link", name="Withdraw").click()
    page.get_by_label("By phone").check()
    _shot(page, f"consent-withdraw-{width}")
    page.get_by_role("button", name="Withdraw the consent").click()
    page.wait_for_load_state("networkidle")
    page.locator("#consent-h").scroll_into_view_if_needed()
    _shot(page, f"client-consents-{width}")
    assert "By phone" in page.locator("#consent-h").locator("..").inner_text()
    consent.refresh_from_db()
    assert consent.withdrawn_how == "phone"


def test_record_and_withdraw_a_consent_on_a_phone(phone_page, browser_login, worker, team_client):
    _record_and_withdraw(phone_page, "phone", browser_login, worker, team_client)


def test_record_and_withdraw_a_consent_on_a_desktop(
    desktop_page, browser_login, worker, team_client
):
    _record_and_withdraw(desktop_page, "desktop", browser_login, worker, team_client)
