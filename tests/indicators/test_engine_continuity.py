"""The keys of "Continuity of care and safety" (INDICATORS.md) with hand-made data at the edges.

Period 2026-Q3 (1 July to 30 September), computed on a fixed day after it unless said otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from indicators import engine
from indicators.periods import Period, Scope
from outreach.models import (
    AdverseEvent,
    Agency,
    AgencyKind,
    AgencyRequest,
    Episode,
    HospitalStay,
)
from referrals.models import Referral

from .conftest import local
from .test_engine import contact, episode

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026-Q3")
AFTER = date(2026, 11, 1)


def run(team, period=Q3, today=AFTER, scope=None):
    return engine.compute(period, scope or Scope.team(team.slug), today=today)


def stay(client, admitted_on, discharged_on=None, legal_status="voluntary", upheld=""):
    return HospitalStay.objects.create(
        client=client,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        legal_status=legal_status,
        advance_statement_upheld=upheld,
    )


def test_empty_objects_list_every_kind(team):
    v = run(team)
    assert v["adverse_events_by_kind"] == dict.fromkeys(
        ["self_harm", "suicide_attempt", "death", "police_involvement", "arrest", "eviction"], 0
    )
    kinds = [
        "housing",
        "social_assistance",
        "health",
        "mental_health",
        "employment",
        "benefits_and_documents",
        "police_and_justice",
        "education",
        "other",
    ]
    assert v["agency_requests_by_kind"] == dict.fromkeys(kinds, 0)
    assert v["agency_response_days_median_by_kind"] == dict.fromkeys(kinds)
    assert v["agency_response_days_median_by_kind_n"] == dict.fromkeys(kinds, 0)
    assert v["hospital_discharges"] == 0
    assert v["waiting_list_when_computed"] == 0
    assert v["waiting_days_median_when_computed"] is None


def test_discharges_count_only_clients_in_care_on_the_day(team, make_client):
    in_care, before_care, out_of_period = make_client(), make_client(), make_client()
    episode(in_care, date(2026, 6, 1))
    stay(in_care, date(2026, 7, 1), date(2026, 7, 10))
    stay(in_care, date(2026, 9, 20))  # still in hospital: no discharge
    episode(before_care, date(2026, 8, 2))
    stay(before_care, date(2026, 7, 20), date(2026, 8, 1))  # the day before the episode
    episode(out_of_period, date(2026, 1, 1))
    stay(out_of_period, date(2026, 9, 25), date(2026, 10, 1))  # discharged after P
    assert run(team)["hospital_discharges"] == 1


def test_followup_within_72_hours_and_7_days_counted_in_dates(team, make_client):
    clients = [make_client() for _ in range(4)]
    for c in clients:
        episode(c, date(2026, 6, 1))
        stay(c, date(2026, 7, 1), date(2026, 7, 10))
    contact(clients[0], local(2026, 7, 13, 23, 30))  # day +3, late evening: within 72 h
    contact(clients[1], local(2026, 7, 14, 0, 30))  # day +4: only within 7 days
    contact(clients[2], local(2026, 7, 17, 9))  # day +7
    contact(clients[3], local(2026, 7, 18, 9))  # day +8: neither
    contact(clients[3], local(2026, 7, 9, 9))  # before the discharge: not a follow-up
    contact(clients[3], local(2026, 7, 11, 9), outcome="not_met")  # not seen
    contact(clients[3], local(2026, 7, 11, 10), mode="phone")  # not seen
    v = run(team)
    assert v["hospital_discharges"] == 4
    assert v["post_discharge_followup_72h_share"] == 1 / 4
    assert v["post_discharge_followup_72h_share_n"] == 4
    assert v["post_discharge_followup_7d_share"] == 3 / 4
    assert v["post_discharge_followup_7d_share_n"] == 4
    assert v["post_discharge_first_contact_days_median"] == (4 + 7) / 2  # 3, 4, 7, 8
    assert v["post_discharge_first_contact_days_median_n"] == 4


def test_followup_window_still_open_is_left_out_unless_met(team, make_client):
    """Computed on 30 September for a discharge on 28 September: the 72-hour window ends on
    1 October, so the discharge is not judged yet, unless a contact already follows it."""
    waiting, followed = make_client(), make_client()
    for c in (waiting, followed):
        episode(c, date(2026, 6, 1))
        stay(c, date(2026, 9, 1), date(2026, 9, 28))
    contact(followed, local(2026, 9, 29, 10))
    v = run(team, today=date(2026, 9, 30))
    assert v["hospital_discharges"] == 2
    assert v["post_discharge_followup_72h_share"] == 1.0
    assert v["post_discharge_followup_72h_share_n"] == 1
    assert v["post_discharge_followup_7d_share_n"] == 1
    # On 1 October the 72-hour window has ended (28 + 3), the 7-day one has not.
    v = run(team, today=date(2026, 10, 1))
    assert v["post_discharge_followup_72h_share"] == 1 / 2
    assert v["post_discharge_followup_7d_share_n"] == 1
    v = run(team, today=date(2026, 10, 5))
    assert v["post_discharge_followup_7d_share"] == 1 / 2


def test_advance_statement_upheld_share(team, make_client):
    c = make_client()
    for day, upheld in (
        (1, "yes"),
        (2, "yes"),
        (3, "partly"),
        (4, "no"),
        (5, "none"),
        (6, "unknown"),
        (7, ""),
    ):
        stay(c, date(2026, 7, day), date(2026, 7, day), upheld=upheld)
    stay(c, date(2026, 6, 30), date(2026, 7, 2), upheld="yes")  # admitted before P
    v = run(team)
    assert v["advance_statement_upheld_share"] == 2 / 4
    assert v["advance_statement_upheld_share_n"] == 4


def test_bed_days_per_client_year_before_and_during(team, make_client):
    a, b = make_client(), make_client()
    episode(a, date(2026, 7, 1))  # during: 1 July .. 30 September = 92 days
    # Before: the window is 1 July 2025 .. 30 June 2026.
    stay(a, date(2025, 6, 25), date(2025, 7, 5))  # nights on 1..4 July 2025: 4
    stay(a, date(2026, 6, 28), date(2026, 7, 3))  # 28, 29, 30 June before; 1, 2 July during
    stay(a, date(2026, 9, 29))  # still in: 29 and 30 September
    episode(b, date(2026, 9, 1), date(2026, 9, 10), "goals_met")  # during: 10 days
    stay(b, date(2026, 9, 10), date(2026, 9, 12), "involuntary")  # 10 September only
    stay(b, date(2025, 8, 1), date(2025, 8, 1))  # admitted and discharged the same day: 0
    v = run(team)
    assert v["bed_days_per_client_year_before"] == (4 + 3 + 0) / 2
    assert v["bed_days_per_client_year_during"] == (2 + 2 + 1) / ((92 + 10) / 365)


def test_adverse_events_by_kind(team, make_client, other_team):
    c = make_client()
    for kind, day in (
        ("self_harm", date(2026, 7, 1)),
        ("self_harm", date(2026, 9, 30)),
        ("death", date(2026, 8, 1)),
        ("arrest", date(2026, 6, 30)),  # before P
    ):
        AdverseEvent.objects.create(client=c, kind=kind, occurred_on=day)
    AdverseEvent.objects.create(client=make_client(other_team), kind="death", occurred_on=AFTER)
    by_kind = run(team)["adverse_events_by_kind"]
    assert by_kind["self_harm"] == 2
    assert by_kind["death"] == 1
    assert by_kind["arrest"] == 0


def test_agency_requests_by_kind_of_the_directory(team, make_client, municipality):
    c = make_client()
    housing = Agency.objects.create(municipality=municipality, name="Housing", kind="housing")
    health = Agency.objects.create(municipality=municipality, name="Clinic", kind="health")

    def request(agency, sent, responded=None, listed=None):
        return AgencyRequest.objects.create(
            client=c, agency=agency, listed_agency=listed, sent_on=sent, responded_on=responded
        )

    request("Housing", date(2026, 7, 1), date(2026, 7, 11), housing)
    request("Housing", date(2026, 7, 2), date(2026, 7, 6), housing)
    request("Clinic", date(2026, 6, 1), date(2026, 7, 1), health)  # sent before P
    request("A one-off", date(2026, 8, 1), date(2026, 8, 3))  # no kind: other
    v = run(team)
    assert v["agency_requests_by_kind"]["housing"] == 2
    assert v["agency_requests_by_kind"]["health"] == 0
    assert v["agency_requests_by_kind"]["other"] == 1
    assert v["agency_response_days_median_by_kind"]["housing"] == 7.0
    assert v["agency_response_days_median_by_kind"]["health"] == 30
    assert v["agency_response_days_median_by_kind"]["other"] == 2
    assert v["agency_response_days_median_by_kind"]["education"] is None
    assert v["agency_response_days_median_by_kind_n"]["housing"] == 2
    # A directory agency's kind changed later reclassifies its requests.
    health.kind = AgencyKind.MENTAL_HEALTH
    health.save()
    assert run(team)["agency_response_days_median_by_kind_n"]["mental_health"] == 1


def test_waiting_list_is_a_figure_of_the_day_of_computation(team, make_client, municipality):
    c = make_client()
    Referral.objects.create(
        municipality=municipality,
        client=c,
        received_at=local(2026, 10, 1, 0, 30),
        source="gp",
        status="waitlisted",
    )
    Referral.objects.create(  # no client yet: waits for the team
        municipality=municipality,
        team=team,
        received_at=local(2026, 10, 21),
        source="gp",
        status="waitlisted",
    )
    Referral.objects.create(
        municipality=municipality,
        client=make_client(),
        received_at=local(2026, 10, 1),
        source="gp",
        status="accepted",
        decided_at=local(2026, 10, 2),
    )
    # Whatever the period: the waiting list as it stands on the day of computation.
    for period in (Q3, Period.parse("2026-03")):
        v = run(team, period=period)
        assert v["waiting_list_when_computed"] == 2
        assert v["waiting_days_median_when_computed"] == (31 + 11) / 2
        assert v["waiting_days_median_when_computed_n"] == 2
    municipality_scope = Scope.municipality(municipality.slug)
    assert run(team, scope=municipality_scope)["waiting_list_when_computed"] == 2


def test_running_period_uses_today_for_windows(team, make_client):
    c = make_client()
    Episode.objects.create(client=c, started_on=date(2026, 11, 1))
    stay(c, date(2026, 11, 20), date(2026, 12, 1))
    v = run(team, period=Period.parse("2026-12"), today=date(2026, 12, 3))
    assert v["hospital_discharges"] == 1
    assert v["post_discharge_followup_72h_share_n"] == 0  # window ends on 4 December
    # During: 1 November .. 3 December (33 days), nights 20 November .. 30 November (11).
    assert v["bed_days_per_client_year_during"] == 11 / (33 / 365)


def test_a_snapshot_of_a_past_period_judges_the_waiting_list_on_the_day_it_is_computed(
    team, make_client, municipality
):
    from django.utils import timezone

    from indicators import services

    received = timezone.localdate() - timedelta(days=40)
    Referral.objects.create(
        municipality=municipality,
        team=team,
        received_at=local(received.year, received.month, received.day),
        source="gp",
        status="waitlisted",
    )
    snapshot = services.snapshot_compute(
        period=Period.parse("2026-03"), scope=Scope.team(team.slug)
    )
    assert snapshot.values["waiting_list_when_computed"] == 1
    assert snapshot.values["waiting_days_median_when_computed"] == 40
