"""A referral submitted on its page is audited with where the request came from."""

from __future__ import annotations

from django.urls import reverse

from outreach.models import AuditEvent
from referrals.models import Referral
from tests.referrals.test_flow import PERSON

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def test_a_referral_submitted_on_the_page_is_audited_with_address_browser_and_path(client, partner):
    client.force_login(partner)
    url = reverse("referrals:referral-create")
    response = client.post(url, PERSON, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.21")
    assert response.status_code == 302
    referral = Referral.objects.get(family_name="Dimitrov")
    event = AuditEvent.objects.get(action="referral.create")
    assert (event.actor, event.object_id) == (partner, str(referral.pk))
    assert (event.ip_address, event.user_agent, event.path) == ("198.51.100.21", BROWSER, url)
