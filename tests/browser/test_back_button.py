"""Back and submit again on a phone: one contact, and the page says it was already saved."""

from __future__ import annotations

import pytest

from outreach.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


def test_back_and_submit_again_saves_one_contact(phone_page, browser_login, worker, team_client):
    page = phone_page
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Note").fill("Met at the day centre.")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    assert page.get_by_text("Contact saved.").is_visible()
    assert Contact.objects.filter(client=team_client).count() == 1

    page.go_back()
    page.wait_for_load_state("networkidle")
    assert "/contacts/new/" in page.url
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url(f"**{team_client.get_absolute_url()}")
    assert page.get_by_text("Already saved").is_visible()
    assert Contact.objects.filter(client=team_client).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
