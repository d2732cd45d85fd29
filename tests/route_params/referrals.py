"""Referrals for the URL parameters of the referral routes (see test_access_matrix).

The swept roles include the team's partner, coordinator and a supervisor of another team in the
same municipality, who may all see some referrals. So the object is a referral of another
municipality, submitted by another partner: none of them may see it. The allowed cases are
tested in tests/referrals/.
"""

from __future__ import annotations

import pytest

from outreach.models import Role
from tests.factories import MunicipalityFactory, ReferralFactory, UserFactory


@pytest.fixture
def foreign_referral(db):
    elsewhere = MunicipalityFactory(name="Plovdiv", slug="plovdiv")
    other_partner = UserFactory(role=Role.PARTNER, municipality=elsewhere)
    return ReferralFactory(municipality=elsewhere, submitted_by=other_partner)


@pytest.fixture
def route_param_referrals_referral_detail__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referrals_referral_screen__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referrals_referral_rescore__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referrals_referral_decide__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referral_detail__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referrals_duplicatecheck_resolve__pk(foreign_referral):
    from referrals.models import DuplicateCheck
    from tests.factories import TeamFactory

    team = TeamFactory(municipality=foreign_referral.municipality)
    return DuplicateCheck.objects.create(referral=foreign_referral, team=team).pk


@pytest.fixture
def route_param_referraltriage_screen__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referraltriage_rescore__pk(foreign_referral):
    return foreign_referral.pk


@pytest.fixture
def route_param_referraltriage_decide__pk(foreign_referral):
    return foreign_referral.pk
