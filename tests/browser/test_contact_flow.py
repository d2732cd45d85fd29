"""A worker on a phone signs in, logs a contact and sees it on the client page."""

from __future__ import annotations

import pytest

from outreach.models import AuditEvent, Contact

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_logs_contact_on_phone(phone_page, browser_login, worker, team_client):
    page = phone_page
    browser_login(page, worker)
    # The worker lands on My work, goes to their caseload and opens the client.
    assert "/indicators/my-work/" in page.url
    page.get_by_role("link", name="My caseload").click()
    page.wait_for_url("**/caseload/")
    page.get_by_role("link", name="Maria Ivanova").click()
    page.get_by_role("link", name="Log a contact").click()
    # Defaults: now, face to face, met, the tandem present. The worker adds minutes and a note.
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Note").fill("Met at the day centre; talked about her ID card.")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(team_client.get_absolute_url())
    assert page.get_by_text("Contact saved.").is_visible()
    assert page.get_by_text("Met at the day centre; talked about her ID card.").is_visible()
    contact = Contact.objects.get(client=team_client)
    assert contact.duration_minutes == 45
    assert contact.author == worker
    assert set(contact.staff.values_list("pk", flat=True)) == {
        team_client.tandem.professional_id,
        team_client.tandem.peer_id,
    }
    assert (
        AuditEvent.objects.filter(action="contact.create", client=team_client, actor=worker).count()
        == 1
    )


def test_bad_contact_is_refused_with_a_message(phone_page, browser_login, worker, team_client):
    page = phone_page
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/contacts/new/")
    page.get_by_label("Minutes").fill("2000")
    page.get_by_role("button", name="Save contact").click()
    assert page.get_by_text("Nothing was saved").is_visible()
    assert page.get_by_text("1440").first.is_visible()
    assert not Contact.objects.filter(client=team_client).exists()
