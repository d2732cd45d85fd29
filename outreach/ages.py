"""Age bands for figures broken down by age: the same bands in referrals and indicators."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, Value, When
from django.utils.translation import gettext_lazy as _

from outreach.dates import years_before

AGE_BANDS = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown")
# The lowest age of each band above the youngest, oldest first; anyone younger (also under 18,
# who are rare and not a band of their own) is in the youngest band.
_LOWEST_AGES = (("65_plus", 65), ("55_64", 55), ("45_54", 45), ("35_44", 35), ("25_34", 25))
_YOUNGEST = "18_24"
AGE_BAND_LABELS = {
    "18_24": "18–24",
    "25_34": "25–34",
    "35_44": "35–44",
    "45_54": "45–54",
    "55_64": "55–64",
    "65_plus": "65+",
    "unknown": _("unknown"),
}


def age_band(on: date, *, approximate_age: str | None = None) -> Case:
    """Age band on a day from `birth_date`, else from the `approximate_age` field if named.

    A person is N years old on `on` when born on or before the same day N years earlier.
    """
    whens = [When(birth_date__lte=years_before(on, low), then=Value(b)) for b, low in _LOWEST_AGES]
    whens.append(When(birth_date__isnull=False, then=Value(_YOUNGEST)))
    if approximate_age:
        whens += [
            When(**{f"{approximate_age}__gte": low}, then=Value(b)) for b, low in _LOWEST_AGES
        ]
        whens.append(When(**{f"{approximate_age}__isnull": False}, then=Value(_YOUNGEST)))
    return Case(*whens, default=Value("unknown"), output_field=CharField())
