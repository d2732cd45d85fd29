"""The fairness view: by age band and sex, received, accepted, declined and median days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Status
from referrals.selectors import fairness
from tests.factories import ClientFactory, ContactFactory, MunicipalityFactory, ReferralFactory


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def test_fairness_by_age_band_and_sex(coordinator, team):
    m = coordinator.municipality
    first, last = date(2026, 7, 1), date(2026, 9, 30)
    d = date(2026, 8, 1)
    # 30 on P.last, accepted after 4 days, first seen contact after 10 days
    seen_client = ClientFactory(team=team)
    ReferralFactory(
        municipality=m,
        birth_date=date(1996, 5, 1),
        sex="female",
        received_at=_at(d),
        status=Status.ACCEPTED,
        decided_at=_at(d + timedelta(days=4)),
        client=seen_client,
    )
    ContactFactory(client=seen_client, started_at=_at(d + timedelta(days=10)))
    ContactFactory(client=seen_client, started_at=_at(d + timedelta(days=2)), outcome="not_met")
    # 16 years old: counts as 18_24; declined after 2 days
    ReferralFactory(
        municipality=m,
        birth_date=date(2010, 1, 1),
        sex="male",
        received_at=_at(d),
        status=Status.DECLINED,
        decided_at=_at(d + timedelta(days=2)),
    )
    # approximate age 70, declined after 6 days
    ReferralFactory(
        municipality=m,
        approximate_age=70,
        sex="male",
        received_at=_at(d),
        status=Status.DECLINED,
        decided_at=_at(d + timedelta(days=6)),
    )
    # no age: unknown, still open
    ReferralFactory(municipality=m, sex="unknown", received_at=_at(d))
    # outside the period and outside the municipality: not counted
    ReferralFactory(municipality=m, birth_date=date(1996, 5, 1), received_at=_at(date(2026, 6, 30)))
    ReferralFactory(municipality=MunicipalityFactory(), received_at=_at(d))

    table = fairness(user=coordinator, first=first, last=last)
    bands = {row.group: row for row in table["age_band"]}
    assert list(bands) == ["18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown"]
    assert (bands["25_34"].received, bands["25_34"].accepted, bands["25_34"].declined) == (1, 1, 0)
    assert bands["25_34"].decision_days_median == 4
    assert bands["25_34"].first_contact_days_median == 10
    assert (bands["18_24"].received, bands["18_24"].declined) == (1, 1)
    assert bands["65_plus"].decision_days_median == 6
    assert bands["unknown"].received == 1 and bands["unknown"].decision_days_median is None
    assert bands["45_54"].received == 0

    sexes = {row.group: row for row in table["sex"]}
    assert (sexes["male"].received, sexes["male"].declined) == (2, 2)
    assert sexes["male"].decision_days_median == 4  # median of 2 and 6
    assert sexes["female"].first_contact_days_median == 10


def test_fairness_page_for_coordinators_only(client, coordinator, partner, worker):
    ReferralFactory(municipality=coordinator.municipality, approximate_age=30, sex="female")
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral-fairness"))
    assert response.status_code == 200
    assert 'data-group="25_34"' in response.content.decode()
    bad = client.get(
        reverse("referrals:referral-fairness"), {"first": "2026-09-01", "last": "2026-01-01"}
    )
    assert "ends before it starts" in bad.content.decode()
    for user in (partner, worker):
        client.force_login(user)
        assert client.get(reverse("referrals:referral-fairness")).status_code == 404


@pytest.mark.parametrize("n", [2, 12])
def test_fairness_queries_do_not_grow_with_referrals(
    client, coordinator, team, django_assert_num_queries, n
):
    for i in range(n):
        a_client = ClientFactory(team=team)
        ContactFactory(client=a_client)
        ReferralFactory(
            municipality=coordinator.municipality,
            approximate_age=20 + 5 * i,
            sex="female" if i % 2 else "male",
            client=a_client,
            received_at=timezone.now() - timedelta(days=3),
        )
    client.force_login(coordinator)
    # session, user, day pairs (with first seen contact), counts by age band, counts by sex,
    # session save (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("referrals:referral-fairness"))
    assert response.status_code == 200
