"""Fixtures of the referral tests: the default criteria and a full, eligible answer set."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from referrals.models import CriteriaVersion

_default = importlib.import_module("referrals.migrations.0002_default_criteria")

ELIGIBLE_ANSWERS = {
    "adult": "yes",
    "severe_mental_illness": "yes",
    "outside_area": "no",
    "no_income": "yes",  # 2
    "no_documents": "no",  # 0
    "housing": "street",  # 3
    "no_close_relatives": "yes",  # 1
    "admissions": "involuntary",  # 3
    "hard_to_engage": "yes",  # 2
    "substance_use": "no",  # 0
    "eviction_risk": "",  # not known: 0
    "children_at_home": "no",  # 0
}
ELIGIBLE_SCORE = 11


@pytest.fixture
def default_criteria(db) -> CriteriaVersion:
    """The default set shipped by the data migration (recreated if a flush removed it)."""
    version = CriteriaVersion.objects.filter(municipality__isnull=True, version=1).first()
    if version is None:
        _default.create_default(django_apps, None)
        version = CriteriaVersion.objects.get(municipality__isnull=True, version=1)
    return version


@pytest.fixture
def answers() -> dict[str, str]:
    return dict(ELIGIBLE_ANSWERS)
