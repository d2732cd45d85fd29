"""One test per indicator group with hand-made data at the edges (INDICATORS.md, period 2026-Q3).

2026-Q3 runs from 1 July to 30 September; Sofia is UTC+3 in summer, so 00:30 local on 1 July is
21:30 UTC on 30 June (the UTC date differs from the local date).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from careplans.models import Assessment, Instrument, PlanAgreement
from indicators import engine
from indicators.periods import Period, Scope
from outreach.models import (
    AgencyRequest,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    Milestone,
    Relapse,
)
from referrals.models import Referral
from tests.factories import MunicipalityFactory, TeamFactory, UserFactory

from .conftest import local

pytestmark = pytest.mark.django_db

SPEC_KEYS = {
    "caseload_start",
    "caseload_end",
    "episodes_started",
    "episodes_ended",
    "episodes_ended_by_reason",
    "clients_served",
    "client_days",
    "referrals_received",
    "referrals_by_source",
    "referrals_accepted",
    "referrals_declined",
    "referral_decision_days_median",
    "first_contact_days_median",
    "first_contact_days_p90",
    "contacts_seen",
    "contacts_not_met",
    "contacts_per_client_week",
    "contact_minutes_per_client_week",
    "community_contact_share",
    "informal_support_contacts",
    "clients_not_seen_30d",
    "team_approach_share",
    "relapses",
    "clients_with_relapse",
    "admissions",
    "admissions_involuntary",
    "admissions_voluntary",
    "involuntary_admission_share",
    "bed_days",
    "crises",
    "crises_without_response",
    "crisis_response_hours_median",
    "care_plan_coverage",
    "qol_change_mean",
    "clients_with_involuntary_admission",
    "coercive_measures",
    "coercive_measures_by_kind",
    "clients_with_coercive_measure",
    "coercion_debrief_share",
    "involuntary_admissions_per_client_year_before",
    "involuntary_admissions_per_client_year_during",
    "agency_requests_sent",
    "agency_response_days_median",
    "agency_requests_open_30d",
    "milestones_by_kind",
    "hospital_discharges",
    "post_discharge_followup_72h_share",
    "post_discharge_followup_7d_share",
    "post_discharge_first_contact_days_median",
    "advance_statement_upheld_share",
    "bed_days_per_client_year_before",
    "bed_days_per_client_year_during",
    "adverse_events_by_kind",
    "agency_requests_by_kind",
    "agency_response_days_median_by_kind",
    "waiting_list_when_computed",
    "waiting_days_median_when_computed",
}
# Keys whose `_n` is an object with the same keys (INDICATORS.md, Conventions).
N_OF_OBJECT = {"agency_response_days_median_by_kind"}
N_OF = {
    "referral_decision_days_median",
    "first_contact_days_median",
    "first_contact_days_p90",
    "community_contact_share",
    "team_approach_share",
    "involuntary_admission_share",
    "crisis_response_hours_median",
    "care_plan_coverage",
    "qol_change_mean",
    "coercion_debrief_share",
    "agency_response_days_median",
    "post_discharge_followup_72h_share",
    "post_discharge_followup_7d_share",
    "post_discharge_first_contact_days_median",
    "advance_statement_upheld_share",
    "waiting_days_median_when_computed",
}
DISAGGREGATED = {
    "clients_served",
    "clients_with_involuntary_admission",
    "clients_with_coercive_measure",
}
SEXES = {"female", "male", "other", "unknown"}
BANDS = {"18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown"}


def episode(client, started_on, ended_on=None, reason=""):
    if ended_on and not reason:
        reason = "goals_met"
    return Episode.objects.create(
        client=client, started_on=started_on, ended_on=ended_on, discharge_reason=reason
    )


def contact(
    client,
    at,
    *,
    mode="face_to_face",
    outcome="met",
    location="street",
    minutes=30,
    informal=False,
    staff=(),
):
    row = Contact.objects.create(
        client=client,
        started_at=at,
        mode=mode,
        outcome=outcome,
        location=location if mode == "face_to_face" else "",
        duration_minutes=minutes,
        informal_support_present=informal,
    )
    row.staff.set(staff)
    return row


# --- Helpers and the shape of the result --------------------------------------------------------


def test_median_and_nearest_rank_p90():
    assert engine.median([]) is None
    assert engine.median([4, 1, 3]) == 3
    assert engine.median([1, 10, 2, 3]) == 2.5  # even n: mean of the two middle values
    assert engine.p90([]) is None
    assert engine.p90(list(range(1, 11))) == 9  # ceil(0.9·10) = 9th value
    assert engine.p90(list(range(1, 12))) == 10  # ceil(9.9) = 10th
    assert engine.p90([7]) == 7
    assert engine.p90([5, 1]) == 5  # ceil(1.8) = 2nd


def test_empty_period_has_every_key_with_zero_or_null(compute, team):
    values = compute("2026-Q3")
    expected = set(SPEC_KEYS)
    expected |= {f"{k}_n" for k in N_OF | N_OF_OBJECT}
    expected |= {f"{k}_by_sex" for k in DISAGGREGATED} | {f"{k}_by_age" for k in DISAGGREGATED}
    assert set(values) == expected
    for key in N_OF:
        assert values[key] is None, key
        assert values[f"{key}_n"] == 0, key
    for key in DISAGGREGATED:
        assert values[f"{key}_by_sex"] == dict.fromkeys(SEXES, 0)
        assert values[f"{key}_by_age"] == dict.fromkeys(BANDS, 0)
    assert values["contacts_per_client_week"] is None
    assert values["contact_minutes_per_client_week"] is None
    assert values["involuntary_admissions_per_client_year_before"] is None
    assert values["involuntary_admissions_per_client_year_during"] is None
    assert values["episodes_ended_by_reason"] == {}
    assert values["client_days"] == 0
    assert values["bed_days"] == 0


# --- Caseload -----------------------------------------------------------------------------------


def test_caseload_counts_and_client_days(compute, make_client, other_team):
    c1, c2, c3, c4, c5 = (make_client() for _ in range(5))
    episode(c1, date(2026, 7, 1))  # open: active on first and last, 92 days
    episode(c1, date(2026, 3, 1), date(2026, 7, 10), "moved_away")  # 10 days
    episode(c2, date(2026, 1, 1), date(2026, 6, 30))  # ends the day before P
    episode(c3, date(2026, 6, 1), date(2026, 7, 1), "goals_met")  # one day of P
    episode(c4, date(2026, 9, 30))  # starts on the last day: one day
    episode(c5, date(2026, 10, 1))  # after P
    episode(make_client(other_team), date(2026, 1, 1))  # another team
    v = compute()
    assert v["caseload_start"] == 3
    assert v["caseload_end"] == 2
    assert v["episodes_started"] == 2
    assert v["episodes_ended"] == 2
    assert v["episodes_ended_by_reason"] == {"goals_met": 1, "moved_away": 1}
    assert v["clients_served"] == 3
    assert v["client_days"] == 92 + 10 + 1 + 1


def test_clients_served_by_sex_and_age_band(compute, make_client):
    born = {
        "a": (date(2008, 10, 1), "male"),  # 17 on 30 Sep 2026: counts as 18_24
        "b": (date(2001, 9, 30), "female"),  # 25 on the last day
        "c": (date(2001, 10, 1), "female"),  # still 24
        "d": (date(1961, 9, 30), "other"),  # 65 on the last day
        "e": (None, "unknown"),
        "f": (date(1961, 10, 1), "male"),  # 64
    }
    for birth, sex in born.values():
        episode(make_client(birth_date=birth, sex=sex), date(2026, 1, 1))
    v = compute()
    assert v["clients_served"] == 6
    assert v["clients_served_by_sex"] == {"female": 2, "male": 2, "other": 1, "unknown": 1}
    assert v["clients_served_by_age"] == {
        "18_24": 2,
        "25_34": 1,
        "35_44": 0,
        "45_54": 0,
        "55_64": 1,
        "65_plus": 1,
        "unknown": 1,
    }


# --- Referrals and response ---------------------------------------------------------------------


def test_referrals_received_decided_and_decision_median(compute, make_client, team, other_team):
    m = team.municipality

    def referral(client=None, team_=None, **kw):
        return Referral.objects.create(municipality=m, client=client, team=team_, **kw)

    c = make_client()
    # Received at 00:30 local on 1 July (30 June in UTC): in P; decided 2 days later.
    referral(
        c,
        received_at=local(2026, 7, 1, 0, 30),
        source="gp",
        status="accepted",
        decided_at=local(2026, 7, 3, 10),
    )
    # No client: belongs to referral.team. Declined at 01:00 local on 1 Oct (30 Sep UTC): not in P.
    referral(
        team_=team,
        received_at=local(2026, 9, 30, 23, 30),
        source="hospital",
        status="declined",
        decided_at=local(2026, 10, 1, 1),
    )
    referral(team_=other_team, received_at=local(2026, 8, 1), source="gp")
    # Received 23:30 local on 30 June (not in P), accepted in P after 6 days.
    referral(
        c,
        received_at=local(2026, 6, 30, 23, 30),
        source="self",
        status="accepted",
        decided_at=local(2026, 7, 6),
    )
    referral(
        c,
        received_at=local(2026, 8, 1),
        source="gp",
        status="declined",
        decided_at=local(2026, 8, 4),
    )
    referral(
        c,
        received_at=local(2026, 5, 1),
        source="gp",
        status="withdrawn",
        decided_at=local(2026, 7, 15),
    )
    referral(
        c,
        received_at=local(2026, 7, 10),
        source="police",
        status="accepted",
        decided_at=local(2026, 7, 20),
    )
    v = compute()
    assert v["referrals_received"] == 4
    assert v["referrals_by_source"] == {"gp": 2, "hospital": 1, "police": 1}
    assert v["referrals_accepted"] == 3
    assert v["referrals_declined"] == 1
    assert v["referral_decision_days_median"] == 4.5  # 2, 3, 6, 10
    assert v["referral_decision_days_median_n"] == 4


def test_first_contact_days(compute, make_client, team):
    def referral(client, received_at, status="received"):
        Referral.objects.create(
            municipality=team.municipality,
            client=client,
            received_at=received_at,
            source="gp",
            status=status,
        )

    a, b, c, d, e = (make_client() for _ in range(5))
    referral(a, local(2026, 7, 10, 15))
    contact(a, local(2026, 7, 10, 9))  # earlier the same day: dates are compared, 0 days
    referral(b, local(2026, 6, 20))
    contact(b, local(2026, 6, 25), mode="phone")  # not seen
    contact(b, local(2026, 6, 26), outcome="not_met")  # not seen
    contact(b, local(2026, 7, 1, 0, 30))  # 30 June in UTC, 1 July locally: 11 days, in P
    referral(c, local(2026, 9, 20))
    contact(c, local(2026, 10, 1, 0, 30))  # 30 Sep in UTC but 1 Oct locally: not in P
    referral(d, local(2026, 5, 1), status="declined")  # every referral counts, whatever status
    referral(d, local(2026, 7, 2))
    contact(d, local(2026, 4, 1))  # before both referrals
    contact(d, local(2026, 7, 5))  # first contact of both referrals: 65 and 3 days
    referral(e, local(2026, 6, 1))
    contact(e, local(2026, 6, 15))  # first contact before P: the referral does not count
    contact(e, local(2026, 7, 15))
    v = compute()
    assert v["first_contact_days_median"] == 7.0  # 0, 3, 11, 65
    assert v["first_contact_days_median_n"] == 4
    assert v["first_contact_days_p90"] == 65  # ceil(0.9·4) = 4th value
    assert v["first_contact_days_p90_n"] == 4


def test_first_contact_is_on_or_after_the_local_day_of_receipt(compute, make_client, team):
    client = make_client()
    Referral.objects.create(
        municipality=team.municipality,
        client=client,
        received_at=local(2026, 7, 20, 0, 30),
        source="gp",
        status="received",
    )  # 19 July 21:30 in UTC, 20 July locally
    contact(client, local(2026, 7, 19, 23, 30))  # the same UTC date, but the day before locally
    contact(client, local(2026, 7, 20, 0, 10))  # before the receipt, but on its local day: 0 days
    contact(client, local(2026, 7, 22, 0, 15))
    v = compute()
    assert v["first_contact_days_median"] == 0.0
    assert v["first_contact_days_median_n"] == 1


# --- Contacts and engagement --------------------------------------------------------------------


def test_contacts_rates_shares_and_team_approach(compute, make_client):
    w1, w2 = UserFactory(), UserFactory()
    x, y, z = make_client(), make_client(), make_client()
    episode(x, date(2026, 1, 1))  # 92 client days
    episode(y, date(2026, 9, 24))  # 7 client days
    contact(x, local(2026, 7, 1, 0, 30), minutes=60, staff=[w1])
    contact(x, local(2026, 8, 15), location="team_office", informal=True)
    contact(x, local(2026, 8, 16), outcome="not_met", location="street")
    contact(x, local(2026, 8, 17), mode="phone", outcome="not_met")
    contact(x, local(2026, 8, 18), mode="phone", informal=True)  # met by phone: not seen
    contact(x, local(2026, 10, 1, 0, 30))  # 30 Sep in UTC: not in P
    contact(x, local(2026, 6, 30, 23, 30))  # not in P
    contact(x, local(2026, 9, 16), staff=[w2])  # P.last − 14: outside the 14-day window
    contact(x, local(2026, 9, 17), staff=[w1])  # P.last − 13: inside
    contact(x, local(2026, 9, 20), staff=[w1])
    contact(y, local(2026, 9, 28), location="", minutes=20, staff=[w1])
    contact(y, local(2026, 9, 29), staff=[w2])  # two staff over two contacts
    contact(z, local(2026, 9, 25))  # no episode, no staff: counts, with 0 staff
    v = compute()
    seen = 8  # x: 7/1, 8/15, 9/16, 9/17, 9/20; y: 2; z: 1
    assert v["contacts_seen"] == seen
    assert v["contacts_not_met"] == 2
    assert v["informal_support_contacts"] == 2
    assert v["contacts_per_client_week"] == pytest.approx(seen / (99 / 7))
    minutes = 60 + 30 + 30 + 30 + 30 + 20 + 30 + 30
    assert v["contact_minutes_per_client_week"] == pytest.approx(minutes / (99 / 7))
    assert v["community_contact_share"] == pytest.approx(7 / 8)
    assert v["community_contact_share_n"] == 8
    assert v["team_approach_share"] == pytest.approx(1 / 3)  # y of x, y, z
    assert v["team_approach_share_n"] == 3


def test_clients_not_seen_30d(compute, make_client):
    p1, p2, p3, p4, p5 = (make_client() for _ in range(5))
    episode(p1, date(2026, 8, 31))  # started exactly P.last − 30 days, never seen: counts
    episode(p2, date(2026, 9, 1))  # too recent
    episode(p3, date(2026, 1, 1))
    contact(p3, local(2026, 9, 1, 0, 30))  # 31 Aug in UTC, 1 Sep (P.last − 29) locally: seen
    episode(p4, date(2026, 1, 1))
    contact(p4, local(2026, 8, 31, 23, 30))  # P.last − 30 locally: outside the window
    contact(p4, local(2026, 9, 15), mode="phone")  # not a seen contact
    episode(p5, date(2026, 1, 1), date(2026, 9, 29))  # not active on P.last
    assert compute()["clients_not_seen_30d"] == 2


# --- Crises, relapses and hospital --------------------------------------------------------------


def test_relapses_admissions_and_bed_days(compute, make_client):
    c1, c2, c3 = make_client(), make_client(), make_client()
    for client, onset in (
        (c1, date(2026, 7, 1)),
        (c1, date(2026, 9, 30)),
        (c2, date(2026, 6, 30)),
        (c2, date(2026, 10, 1)),
    ):
        Relapse.objects.create(client=client, onset_on=onset)

    def stay(client, admitted, discharged, status):
        HospitalStay.objects.create(
            client=client, admitted_on=admitted, discharged_on=discharged, legal_status=status
        )

    stay(c1, date(2026, 6, 20), date(2026, 7, 5), "voluntary")  # 1–4 July: 4 bed days
    stay(c2, date(2026, 7, 1), None, "involuntary")  # still in: 92 bed days
    stay(c3, date(2026, 9, 30), date(2026, 10, 3), "involuntary")  # runs past P: 1 bed day
    stay(c1, date(2026, 8, 10), date(2026, 8, 10), "voluntary")  # same-day: 0 bed days
    stay(c2, date(2026, 10, 2), None, "involuntary")  # after P
    stay(c3, date(2026, 5, 1), date(2026, 6, 30), "voluntary")  # before P
    stay(c3, date(2026, 5, 1), date(2026, 7, 1), "voluntary")  # discharged on P.first: 0
    v = compute()
    assert v["relapses"] == 2
    assert v["clients_with_relapse"] == 1
    assert v["admissions"] == 3
    assert v["admissions_involuntary"] == 2
    assert v["admissions_voluntary"] == 1
    assert v["involuntary_admission_share"] == pytest.approx(2 / 3)
    assert v["involuntary_admission_share_n"] == 3
    assert v["bed_days"] == 4 + 92 + 1
    assert v["clients_with_involuntary_admission"] == 2
    assert v["clients_with_involuntary_admission_by_sex"]["unknown"] == 2


def test_crisis_response_hours_across_the_dst_change(compute, make_client):
    c = make_client()

    def crisis(reported, responded=None):
        Crisis.objects.create(client=c, reported_at=reported, first_response_at=responded)

    # Clocks go back at 04:00 on 25 Oct 2026: 00:30 EEST to 06:30 EET is 7 hours, not 6.
    crisis(local(2026, 10, 25, 0, 30), local(2026, 10, 25, 6, 30))
    crisis(local(2026, 10, 1, 0, 30), local(2026, 10, 1, 2, 30))  # 30 Sep in UTC: in P, 2 h
    crisis(local(2026, 10, 31, 23, 30))  # last evening of P, no response
    crisis(local(2026, 9, 30, 23, 30), local(2026, 10, 1, 1))  # reported before P
    crisis(local(2026, 10, 10, 12), local(2026, 10, 12, 12))  # 48 h
    crisis(local(2026, 10, 11, 10), local(2026, 10, 11, 11))  # 1 h
    v = compute("2026-10")
    assert v["crises"] == 5
    assert v["crises_without_response"] == 1
    assert v["crisis_response_hours_median"] == pytest.approx(4.5)  # 1, 2, 7, 48
    assert v["crisis_response_hours_median_n"] == 4
    # The spring change (29 Mar 2026, 03:00 → 04:00): 02:30 to 04:30 local is 1 hour.
    crisis(local(2026, 3, 29, 2, 30), local(2026, 3, 29, 4, 30))
    v = compute("2026-03")
    assert v["crisis_response_hours_median"] == pytest.approx(1.0)


# --- Care plans and outcomes --------------------------------------------------------------------


def test_care_plan_coverage(compute, make_client):
    clients = [make_client() for _ in range(7)]
    c1, c2, c3, c4, c5, c6, c7 = clients
    episode(c1, date(2026, 8, 31))  # started P.last − 30: due
    PlanAgreement.objects.create(client=c1, agreed_on=date(2026, 7, 1))  # P.last − 91: counts
    episode(c2, date(2026, 1, 1))
    PlanAgreement.objects.create(client=c2, agreed_on=date(2026, 6, 30))  # P.last − 92: too old
    episode(c3, date(2026, 1, 1))
    PlanAgreement.objects.create(client=c3, agreed_on=date(2026, 9, 30))
    episode(c4, date(2026, 9, 1))  # too recent to be due
    PlanAgreement.objects.create(client=c4, agreed_on=date(2026, 9, 2))
    episode(c5, date(2025, 1, 1), date(2026, 9, 29))  # not active on P.last
    episode(c6, date(2025, 1, 1), date(2025, 12, 31))
    episode(c6, date(2026, 2, 1))
    PlanAgreement.objects.create(client=c6, agreed_on=date(2026, 8, 1))
    episode(c7, date(2026, 1, 1))
    PlanAgreement.objects.create(client=c7, agreed_on=date(2026, 10, 1))  # after P.last
    v = compute()
    assert v["care_plan_coverage"] == pytest.approx(3 / 5)
    assert v["care_plan_coverage_n"] == 5


def test_qol_change_mean(compute, make_client):
    # MANSA may ship built in (a data migration): reuse it.
    mansa, _ = Instrument.objects.get_or_create(
        code="mansa", version="1", defaults={"name": "MANSA"}
    )
    honos, _ = Instrument.objects.get_or_create(
        code="honos", version="1", defaults={"name": "HoNOS"}
    )

    def assess(client, day, score, instrument=mansa):
        Assessment.objects.create(
            client=client, instrument=instrument, assessed_on=day, score=Decimal(score)
        )

    c1, c2, c3, c4, c5 = (make_client() for _ in range(5))
    episode(c1, date(2026, 1, 1))
    assess(c1, date(2026, 1, 10), "3.0")  # baseline
    assess(c1, date(2026, 3, 10), "3.5")  # 59 days after
    assess(c1, date(2026, 3, 11), "4.0")  # 60 days after
    assess(c1, date(2026, 9, 30), "5.0")  # latest on or before P.last: the follow-up
    assess(c1, date(2026, 10, 5), "7.0")  # after P.last
    episode(c2, date(2026, 5, 1))
    assess(c2, date(2026, 4, 20), "1.0")  # before the episode
    assess(c2, date(2026, 5, 1), "4.0")
    assess(c2, date(2026, 6, 29), "6.0")  # only 59 days later: no follow-up
    episode(c3, date(2025, 1, 1), date(2026, 7, 15))
    assess(c3, date(2025, 2, 1), "4.0")
    assess(c3, date(2025, 6, 1), "3.25")
    assess(c3, date(2026, 7, 16), "7.0")  # after the episode ended
    episode(c4, date(2025, 1, 1), date(2026, 6, 30))  # not active in P
    assess(c4, date(2025, 2, 1), "1.0")
    assess(c4, date(2025, 6, 1), "7.0")
    episode(c5, date(2026, 1, 1))
    assess(c5, date(2026, 1, 2), "1.0", honos)
    assess(c5, date(2026, 6, 2), "5.0", honos)
    v = compute()
    assert v["qol_change_mean"] == pytest.approx((2.0 - 0.75) / 2)
    assert v["qol_change_mean_n"] == 2


# --- Rights, coordination and recovery ----------------------------------------------------------


def test_coercive_measures_and_debrief_share(compute, make_client):
    c1, c2, c3 = make_client(sex="male"), make_client(sex="female"), make_client()

    def measure(client, at, kind, debriefed=None):
        CoerciveMeasure.objects.create(
            client=client, started_at=at, kind=kind, debriefed_on=debriefed
        )

    # Local date 1 July (30 June in UTC): debriefed 14 days later counts.
    measure(c1, local(2026, 7, 1, 0, 30), "seclusion", date(2026, 7, 15))
    measure(c1, local(2026, 9, 30, 23, 30), "forced_medication", date(2026, 10, 15))  # 15 days
    measure(c2, local(2026, 8, 1), "seclusion")  # never debriefed
    measure(c2, local(2026, 6, 30, 23, 30), "seclusion", date(2026, 7, 1))  # before P
    measure(c3, local(2026, 10, 1, 0, 30), "physical_restraint")  # 30 Sep in UTC: after P
    v = compute()
    assert v["coercive_measures"] == 3
    assert v["coercive_measures_by_kind"] == {"seclusion": 2, "forced_medication": 1}
    assert v["clients_with_coercive_measure"] == 2
    assert v["clients_with_coercive_measure_by_sex"] == {
        "female": 1,
        "male": 1,
        "other": 0,
        "unknown": 0,
    }
    assert v["coercion_debrief_share"] == pytest.approx(1 / 3)
    assert v["coercion_debrief_share_n"] == 3


def test_involuntary_admissions_per_client_year(compute, make_client):
    c1, c2, c3 = make_client(), make_client(), make_client()

    def stay(client, admitted, status="involuntary"):
        HospitalStay.objects.create(
            client=client, admitted_on=admitted, discharged_on=admitted, legal_status=status
        )

    episode(c1, date(2026, 7, 1))  # cohort; 92 days up to P.last
    stay(c1, date(2025, 7, 1))  # started_on − 365: before
    stay(c1, date(2026, 6, 30))  # started_on − 1: before
    stay(c1, date(2025, 6, 30))  # started_on − 366: not counted
    stay(c1, date(2026, 1, 1), "voluntary")  # voluntary: not counted
    stay(c1, date(2026, 9, 30))  # during
    stay(c1, date(2026, 10, 1))  # after P.last: not counted
    episode(c2, date(2026, 2, 1), date(2026, 8, 31))  # cohort; 212 days
    stay(c2, date(2026, 3, 1))  # during the episode, before P: counts as during
    episode(c3, date(2025, 1, 1), date(2026, 6, 30))  # not in the cohort
    stay(c3, date(2026, 1, 1))
    v = compute()
    assert v["involuntary_admissions_per_client_year_before"] == pytest.approx(2 / 2)
    assert v["involuntary_admissions_per_client_year_during"] == pytest.approx(2 / (304 / 365))


def test_agency_requests(compute, make_client):
    c = make_client()
    for sent, responded in (
        (date(2026, 6, 1), date(2026, 7, 1)),  # response in P: 30 days
        (date(2026, 7, 1), date(2026, 7, 3)),  # 2 days
        (date(2026, 8, 31), None),  # P.last − 30: open
        (date(2026, 9, 1), None),  # too recent to be open
        (date(2026, 8, 1), date(2026, 10, 1)),  # answered after P.last: open
        (date(2026, 5, 1), date(2026, 9, 30)),  # 152 days
    ):
        AgencyRequest.objects.create(client=c, agency="DSP", sent_on=sent, responded_on=responded)
    v = compute()
    assert v["agency_requests_sent"] == 4
    assert v["agency_response_days_median"] == 30
    assert v["agency_response_days_median_n"] == 3
    assert v["agency_requests_open_30d"] == 2


def test_milestones_by_kind(compute, make_client):
    c = make_client()
    for kind, day in (
        ("housing", date(2026, 7, 1)),
        ("housing", date(2026, 9, 30)),
        ("benefits", date(2026, 10, 1)),
        ("id_document", date(2026, 6, 30)),
    ):
        Milestone.objects.create(client=c, kind=kind, achieved_on=day)
    assert compute()["milestones_by_kind"] == {"housing": 2}


# --- Scopes and periods -------------------------------------------------------------------------


def test_scopes_team_municipality_and_all(make_client, team, other_team):
    far = TeamFactory(municipality=MunicipalityFactory(slug="plovdiv"), slug="far")
    for t in (team, team, other_team, far):
        episode(make_client(t), date(2026, 1, 1))
    Referral.objects.create(
        municipality=team.municipality, team=team, received_at=local(2026, 7, 2), source="gp"
    )
    Referral.objects.create(
        municipality=team.municipality, received_at=local(2026, 7, 2), source="gp"
    )  # no client, no team: the municipality's
    q3 = Period.parse("2026-Q3")
    assert engine.compute(q3, Scope.team(team.slug))["clients_served"] == 2
    assert engine.compute(q3, Scope.team(team.slug))["referrals_received"] == 1
    assert engine.compute(q3, Scope.team(other_team.slug))["referrals_received"] == 0
    municipal = engine.compute(q3, Scope.municipality(team.municipality.slug))
    assert municipal["clients_served"] == 3
    assert municipal["referrals_received"] == 2
    assert engine.compute(q3, Scope.everything())["clients_served"] == 4
    with pytest.raises(engine.ScopeNotFound):
        engine.compute(q3, Scope.team("nobody"))


def test_municipality_without_teams(make_client):
    episode(make_client(), date(2026, 1, 1))  # another municipality's client
    empty = MunicipalityFactory(slug="vidin")
    Referral.objects.create(municipality=empty, received_at=local(2026, 7, 2), source="gp")
    v = engine.compute(Period.parse("2026-Q3"), Scope.municipality(empty.slug))
    assert v["referrals_received"] == 1  # the municipality's own referral, without a team
    assert (v["clients_served"], v["client_days"], v["contacts_seen"]) == (0, 0, 0)
    assert v["clients_served_by_sex"] == {"female": 0, "male": 0, "other": 0, "unknown": 0}
    assert v["qol_change_mean"] is None
    assert v["care_plan_coverage"] is None


def test_month_period(compute, make_client):
    episode(make_client(), date(2026, 7, 15), date(2026, 8, 3))
    assert compute("2026-07")["client_days"] == 17
    assert compute("2026-08")["client_days"] == 3
    assert compute("2026-Q3")["client_days"] == 20


def test_period_and_scope_parsing():
    q = Period.parse("2026-Q3")
    assert (q.first, q.last, str(q)) == (date(2026, 7, 1), date(2026, 9, 30), "2026-Q3")
    m = Period.parse("2024-02")
    assert (m.first, m.last, str(m)) == (date(2024, 2, 1), date(2024, 2, 29), "2024-02")
    assert str(Period.parse("2026-Q4").last) == "2026-12-31"
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    for bad in ("2026-Q5", "2026-13", "2026-7", "Q3", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)
    for text in ("team:centre", "municipality:sofia", "all"):
        assert str(Scope.parse(text)) == text
    for bad in ("team:", "city:x", "everything"):
        with pytest.raises(ValueError):
            Scope.parse(bad)


def test_datetime_in_utc_is_stored_but_local_date_counts(compute, make_client):
    c = make_client()
    # 21:30 UTC on 30 September is 00:30 on 1 October in Sofia: outside Q3.
    contact(c, datetime(2026, 9, 30, 21, 30, tzinfo=UTC))
    # 21:30 UTC on 30 June is 00:30 on 1 July in Sofia: inside Q3.
    contact(c, datetime(2026, 6, 30, 21, 30, tzinfo=UTC))
    assert compute()["contacts_seen"] == 1


def test_query_count_does_not_grow_with_the_caseload(make_client, team, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            client = make_client()
            episode(client, date(2026, 1, 1))
            contact(client, local(2026, 8, 1))
            Referral.objects.create(
                municipality=team.municipality,
                client=client,
                received_at=local(2026, 7, 1),
                source="gp",
                status="accepted",
                decided_at=local(2026, 7, 2),
            )

    q3, scope = Period.parse("2026-Q3"), Scope.team(team.slug)
    add(1)
    # 1 team lookup; 2 for the engine's transaction (a savepoint inside the test's transaction,
    # and its release), plus `SET LOCAL jit = off` on PostgreSQL; 3 caseload (counts with client
    # days, by reason, by sex and age); 4 referrals (counts, by source, decision days, first-contact
    # days); 3 contacts (aggregates, not seen 30d, 14-day clients and staff); 6 hospital (relapses,
    # admissions, bed days, crisis counts, crisis hours, by sex and age); 3 care (coverage, MANSA
    # ids, qol); 7 rights (debrief, by kind, by sex and age, cohort, agency counts, agency days,
    # milestones)
    expected = 36 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected) as small:
        engine.compute(q3, scope)
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        engine.compute(q3, scope)
