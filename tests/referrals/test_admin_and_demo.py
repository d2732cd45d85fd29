"""Criteria are data: admins edit them and copy a version; the demo seeds referrals."""

from __future__ import annotations

from django.urls import reverse

from referrals import services
from referrals.models import CriteriaVersion, ReferralScore
from tests.factories import ReferralFactory


def test_admin_edits_criteria_and_copies_a_version(client, admin_user, default_criteria):
    client.force_login(admin_user)
    changelist = reverse("admin:referrals_criteriaversion_changelist")
    assert client.get(changelist).status_code == 200
    page = client.get(reverse("admin:referrals_criteriaversion_change", args=[default_criteria.pk]))
    assert page.status_code == 200 and "severe_mental_illness" in page.content.decode()
    response = client.post(
        changelist,
        {"action": "copy_as_new_version", "_selected_action": [default_criteria.pk]},
    )
    assert response.status_code == 302
    copy = CriteriaVersion.objects.get(municipality__isnull=True, version=2)
    assert copy.active is False
    assert copy.criteria.count() == default_criteria.criteria.count()


def test_a_version_that_scored_is_frozen_in_the_admin(
    client, admin_user, coordinator, default_criteria, answers, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:referrals_criteriaversion_change", args=[default_criteria.pk])
    ).content.decode()
    # The inline rows are shown read-only: no editable points field.
    assert 'name="criteria-0-points"' not in page


def test_rescore_button_records_a_new_score(client, coordinator, default_criteria, answers, origin):
    referral = ReferralFactory(municipality=coordinator.municipality)
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    new = CriteriaVersion.objects.create(municipality=coordinator.municipality, version=1)
    for c in default_criteria.criteria.all():
        c.pk = None
        c.version = new
        if c.code == "no_income":
            c.points = 5
        c.save()
    client.force_login(coordinator)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Re-score" in page
    response = client.post(reverse("referrals:referral-rescore", args=[referral.pk]))
    assert response.status_code == 302
    assert ReferralScore.objects.filter(referral=referral).count() == 2
    referral.refresh_from_db()
    assert referral.criteria_version == new and referral.score == 11 + 3
    assert client.get(reverse("referrals:referral-rescore", args=[referral.pk])).status_code == 405
