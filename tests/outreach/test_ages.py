"""Age bands (outreach/ages.py): one definition for referrals fairness and the indicators."""

from __future__ import annotations

from datetime import date

import pytest

from outreach.ages import AGE_BAND_LABELS, AGE_BANDS, age_band
from outreach.models import Client
from referrals.models import Referral
from tests.factories import ClientFactory, ReferralFactory

ON = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("birth_date", "band"),
    [
        (date(2001, 6, 15), "25_34"),  # 25 on the day
        (date(2001, 6, 16), "18_24"),  # 25 tomorrow
        (date(2010, 1, 1), "18_24"),  # under 18: the youngest band
        (date(1991, 6, 16), "25_34"),
        (date(1991, 6, 15), "35_44"),
        (date(1961, 6, 15), "65_plus"),
        (date(1961, 6, 16), "55_64"),
        (None, "unknown"),
    ],
)
def test_band_from_the_birth_date(team, birth_date, band):
    client = ClientFactory(team=team, birth_date=birth_date)
    assert Client.objects.annotate(band=age_band(ON)).get(pk=client.pk).band == band


def test_born_on_29_february_turns_a_year_older_on_1_march_in_a_common_year(team):
    client = ClientFactory(team=team, birth_date=date(2000, 2, 29))
    clients = Client.objects.filter(pk=client.pk)
    assert clients.annotate(band=age_band(date(2025, 2, 28))).get().band == "18_24"
    assert clients.annotate(band=age_band(date(2025, 3, 1))).get().band == "25_34"
    # On a 29 February, 25 years before has no 29th: the cut-off is the 28th.
    other = ClientFactory(team=team, birth_date=date(1999, 2, 28))
    on = date(2024, 2, 29)
    assert Client.objects.annotate(band=age_band(on)).get(pk=other.pk).band == "25_34"


def test_a_referral_without_birth_date_falls_back_to_the_approximate_age(municipality):
    exact = ReferralFactory(municipality=municipality, birth_date=date(1990, 1, 1))
    rough = ReferralFactory(municipality=municipality, birth_date=None, approximate_age=70)
    young = ReferralFactory(municipality=municipality, birth_date=None, approximate_age=17)
    nothing = ReferralFactory(municipality=municipality, birth_date=None, approximate_age=None)
    bands = dict(
        Referral.objects.annotate(band=age_band(ON, approximate_age="approximate_age")).values_list(
            "pk", "band"
        )
    )
    assert bands == {
        exact.pk: "35_44",
        rough.pk: "65_plus",
        young.pk: "18_24",
        nothing.pk: "unknown",
    }
    # Without the fallback named, only the birth date counts.
    assert Referral.objects.annotate(band=age_band(ON)).get(pk=rough.pk).band == "unknown"


def test_every_band_has_a_label():
    assert set(AGE_BAND_LABELS) == set(AGE_BANDS)
