"""A referral received today can be screened today (issue 13, item 4).

The screening form has no time field: the receipt is compared by day, not with the clock (the
demo's referrals "received later today" could not be screened: "The time cannot be in the
future.").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Referral, Status
from tests.factories import ReferralFactory


def _later_today():
    return timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)


def test_received_later_today_is_screened_through_the_page(
    client, coordinator, team, default_criteria, answers
):
    referral = ReferralFactory(municipality=team.municipality, received_at=_later_today())
    client.force_login(coordinator)
    response = client.post(reverse("referrals:referral-screen", args=[referral.pk]), answers)
    assert response.status_code == 302, response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING and referral.criteria_version_id


def test_received_later_today_is_screened_and_rescored_by_the_service(
    coordinator, team, default_criteria, answers, origin
):
    referral = ReferralFactory(municipality=team.municipality, received_at=_later_today())
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    services.referral_rescore(referral=referral, actor=coordinator, origin=origin)
    assert Referral.objects.get(pk=referral.pk).status == Status.SCREENING


def test_received_on_a_later_day_cannot_be_screened(
    coordinator, team, default_criteria, answers, origin
):
    referral = ReferralFactory(
        municipality=team.municipality, received_at=timezone.now() + timedelta(days=2)
    )
    with pytest.raises(ValidationError) as exc:
        services.referral_screen(
            referral=referral, actor=coordinator, answers=answers, origin=origin
        )
    assert exc.value.code == "received_in_future"
