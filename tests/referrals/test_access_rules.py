"""The questions of `referrals.access`, asked directly about every role, inactive and anonymous."""

from __future__ import annotations

from referrals import access
from tests.access_people import SUPERVISORS, WORKERS, answers, only, people
from tests.factories import ReferralFactory

__all__ = ["people"]  # the fixture

TRIAGE = SUPERVISORS | {"coordinator"}


def test_who_triages_submits_and_records_received_referrals(people):
    assert answers(access.can_triage, people) == only(TRIAGE)
    assert answers(access.can_submit, people) == only(TRIAGE | WORKERS | {"partner"})
    assert answers(access.records_received_referrals, people) == only(TRIAGE | WORKERS)


def test_visible_and_triage_referrals(people, municipality):
    by_partner = ReferralFactory(municipality=municipality, submitted_by=people["partner"])
    by_worker = ReferralFactory(municipality=municipality, submitted_by=people["worker"])
    seen = {name: set(access.visible_referrals(people[name])) for name in people}
    assert seen == {
        **{name: set() for name in people},
        "partner": {by_partner},
        "worker": {by_worker},
        "supervisor": {by_partner, by_worker},
        "outside_supervisor": {by_partner, by_worker},
        "coordinator": {by_partner, by_worker},
    }
    triage = {name: set(access.triage_referrals(people[name])) for name in people}
    assert triage == {
        name: ({by_partner, by_worker} if name in TRIAGE else set()) for name in people
    }


def test_submit_municipalities(people, municipality):
    allowed = {name: set(access.submit_municipalities(people[name])) for name in people}
    assert allowed == {
        name: ({municipality} if name in TRIAGE | WORKERS | {"partner"} else set())
        for name in people
    }
