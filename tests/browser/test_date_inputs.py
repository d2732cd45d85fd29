"""Date inputs follow the page's language, not the browser's (issue 13, item 5).

The browser here runs in English (en-US: its own date input would show mm/dd/yyyy and AM/PM).
A Bulgarian worker's contact form shows the date as dd.mm.yyyy with a 24-hour time, the
calendar in Bulgarian, and what they type or pick is saved as that day and time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BG_MONTHS = [
    "Януари",
    "Февруари",
    "Март",
    "Април",
    "Май",
    "Юни",
    "Юли",
    "Август",
    "Септември",
    "Октомври",
    "Ноември",
    "Декември",
]


def _csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


@pytest.fixture
def bulgarian_worker(worker):
    worker.language = "bg"
    worker.save(update_fields=["language"])
    return worker


def test_a_bulgarian_worker_types_and_picks_dates_as_bulgarians_write_them(
    phone_page, browser_login, bulgarian_worker, team_client
):
    page = phone_page
    violations = _csp_violations(page)
    browser_login(page, bulgarian_worker)
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    assert page.evaluate("document.documentElement.lang") == "bg"
    when = page.locator("#id_started_at")
    # The form opens on now, written as the app writes dates: 06.12.2026 14:30.
    assert when.get_attribute("type") == "text"
    now = timezone.localtime()
    assert when.input_value().startswith(now.strftime("%d.%m.%Y "))
    assert ":" in when.input_value() and "M" not in when.input_value()  # no AM/PM

    # The calendar is in Bulgarian; picking the first of the month keeps the time.
    when.click()
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for()
    month = calendar.locator(".flatpickr-monthDropdown-months")
    assert month.evaluate("s => s.options[s.selectedIndex].text") == BG_MONTHS[now.month - 1]
    calendar.locator(
        ".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="1"
    ).first.click()
    assert when.input_value().startswith(now.replace(day=1).strftime("%d.%m.%Y "))
    page.keyboard.press("Escape")

    # Typed in the Bulgarian way, saved as that moment.
    yesterday = (now - timedelta(days=1)).date()
    when.fill(f"{yesterday:%d.%m.%Y} 09:30")
    page.locator("#id_duration_minutes").fill("30")
    page.locator("form[data-contact-form] button[type=submit]").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    contact = Contact.objects.get(client=team_client)
    local = timezone.localtime(contact.started_at)
    assert (local.date(), local.hour, local.minute) == (yesterday, 9, 30)
    assert violations == []


def test_a_date_that_does_not_exist_is_not_saved(
    phone_page, browser_login, bulgarian_worker, team_client
):
    page = phone_page
    browser_login(page, bulgarian_worker)
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.locator("#id_started_at").fill("31.02.2026 10:00")
    page.locator("#id_duration_minutes").fill("30")
    page.locator("form[data-contact-form] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert not Contact.objects.filter(client=team_client).exists()
    assert page.locator("#id_started_at").is_visible()
