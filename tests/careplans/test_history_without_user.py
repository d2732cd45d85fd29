"""A plan version whose author is gone (the account deleted: SET_NULL) has no history user."""

from __future__ import annotations

from django.urls import reverse

from tests.careplans.factories import CarePlanFactory


def test_plan_pages_show_a_version_without_a_user(client, worker, team_client, settings):
    settings.OUTREACH_REQUIRE_2FA = False
    plan = CarePlanFactory(episode=team_client.episodes.get())
    assert plan.history.get().history_user is None
    client.force_login(worker)
    for name in ("careplan-detail", "careplan-history"):
        response = client.get(reverse(f"careplans:{name}", args=[plan.pk]))
        assert response.status_code == 200, name
