"""Sharing checks the consent as of the day of sharing (issue 15, item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans import services
from careplans.models import CrisisSheetShare
from outreach import services as core_services
from tests.factories import ConsentFactory, make_origin


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = False


def _share(plan, worker, consent):
    return services.crisis_sheet_share(
        careplan=plan, author=worker, consent=consent, origin=make_origin()
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"withdrawn_on": timezone.localdate()}, "withdrew this consent"),
        ({"valid_until": timezone.localdate() - timedelta(days=1)}, "expired"),
        ({"scope": "care_plan"}, "does not cover the crisis sheet"),
    ],
)
def test_a_share_is_refused_with_a_clear_message(plan, worker, team_client, fields, message):
    consent = ConsentFactory(client=team_client, **fields)
    with pytest.raises(ValidationError, match=message):
        _share(plan, worker, consent)
    assert not CrisisSheetShare.objects.exists()


def test_a_consent_valid_until_today_and_withdrawn_tomorrow_still_shares(plan, worker, team_client):
    consent = ConsentFactory(client=team_client, valid_until=timezone.localdate())
    share, _pdf = _share(plan, worker, consent)
    assert share.consent == consent


def test_a_withdrawn_consent_shows_in_the_sharing_history_and_is_not_offered(
    client, plan, worker, team_client
):
    consent = ConsentFactory(client=team_client, recipient="Mental health centre")
    _share(plan, worker, consent)
    core_services.consent_withdraw(
        consent=consent,
        actor=worker,
        withdrawn_on=timezone.localdate(),
        how="in_person",
        origin=make_origin(),
    )
    client.force_login(worker)
    response = client.get(f"/careplans/plans/{plan.pk}/crisis-sheet/")
    page = response.content.decode()
    assert "consent withdrawn" in page
    assert list(response.context["form"].fields["consent"].queryset) == []
    response = client.post(f"/careplans/plans/{plan.pk}/crisis-sheet/", {"consent": consent.pk})
    assert CrisisSheetShare.objects.count() == 1
