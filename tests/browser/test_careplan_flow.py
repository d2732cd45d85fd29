"""On a phone, the tandem writes a plan with the client, both sign it and the client agrees."""

from __future__ import annotations

import pytest

from careplans.models import CarePlan, PlanAgreement
from outreach.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tandem_writes_and_signs_a_plan_on_a_phone(
    phone_page, chromium_browser, live_server, browser_login, worker, peer, team_client
):
    page = phone_page
    browser_login(page, worker)
    page.goto(f"/clients/{team_client.pk}/")
    # The client page loads the care plan card with htmx.
    page.get_by_role("link", name="Start the plan").click()
    page.get_by_role("button", name="Start the plan with the client").click()
    page.get_by_label("What matters to me").fill("Да имам ключ от собствена врата.")
    page.get_by_label("Housing").fill("Спи в приют, иска стая.")
    page.get_by_label("The client", exact=True).check()
    page.get_by_role("button", name="Save the plan").click()
    assert page.get_by_text("Plan saved as a new version.").is_visible()

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Life domain").select_option("housing")
    page.get_by_label("The goal in the client's words").fill("Стая до зимата")
    page.get_by_role("button", name="Save the goal").click()
    page.get_by_role("link", name="Add who does what").click()
    page.get_by_label("What").fill("Отиваме в жилищното бюро")
    page.get_by_label("The client", exact=True).check()
    page.get_by_role("button", name="Add the action").click()
    assert page.get_by_text("Отиваме в жилищното бюро").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Sign off version 4").click()
    assert page.get_by_text("You signed off version 4.").is_visible()
    page.get_by_role("link", name="Record the client's answer").click()
    page.get_by_label("The client agrees").check()
    page.get_by_label("In the client's words").fill("Да, това искам.")
    page.get_by_role("button", name="Record the answer").click()
    assert page.get_by_text("Not agreed yet").is_visible()

    # The peer signs on their own phone; now the version is agreed.
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    other = context.new_page()
    browser_login(other, peer)
    plan = CarePlan.objects.get(episode__client=team_client)
    other.goto(f"/careplans/plans/{plan.pk}/")
    other.get_by_role("button", name="Sign off version 4").click()
    assert other.get_by_text("Agreed", exact=True).first.is_visible()
    context.close()

    agreement = PlanAgreement.objects.get(client=team_client)
    assert (agreement.kind, agreement.plan_version) == ("first", 4)
    assert plan.history.count() == 4
    assert AuditEvent.objects.filter(action="careplan.sign", client=team_client).count() == 2

    page.goto(f"/careplans/plans/{plan.pk}/history/?a=1&b=4")
    assert page.get_by_text("Стая до зимата").first.is_visible()
