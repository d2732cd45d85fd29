"""Property test: random small caseloads, engine vs the pure-Python reference of INDICATORS.md."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils.timezone import localdate
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from indicators import engine
from indicators.periods import Period, Scope
from tests.factories import MunicipalityFactory, TeamFactory, UserFactory

from .builders import differences, write_caseload
from .reference import (
    AGENCY_KINDS,
    Caseload,
    RAdverseEvent,
    RAgencyRequest,
    RAgreement,
    RAssessment,
    RClient,
    RContact,
    RCrisis,
    REpisode,
    RMeasure,
    RMilestone,
    RReferral,
    RRelapse,
    RStay,
    reference,
)

START = date(2025, 6, 1)
END = date(2026, 11, 20)
maybe = st.one_of(st.none(), st.integers(0, 400))
PERIODS = ["2026-Q3", "2026-10", "2026-03", "2025-Q4"]


def day_strategy(period: Period) -> st.SearchStrategy[date]:
    """Mostly days near the period's edges and windows (last-13, last-29, last-30, last-91...)."""
    anywhere = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
    near = st.builds(
        lambda anchor, k: anchor + timedelta(days=k),
        st.sampled_from([period.first, period.last]),
        st.integers(-100, 40),
    )
    return st.one_of(anywhere, near, near)


@st.composite
def caseloads(draw, period: Period) -> Caseload:
    days = day_strategy(period)
    # UTC hours around local midnight (Sofia is UTC+2/+3) so that the UTC date often differs.
    moments = st.builds(
        lambda d, h, m: datetime.combine(d, time(h, m), tzinfo=UTC),
        days,
        st.sampled_from([0, 1, 10, 20, 21, 22, 23]),
        st.sampled_from([0, 30, 59]),
    )
    data = Caseload()
    n = draw(st.integers(1, 6))
    for cid in range(n):
        data.clients.append(
            RClient(
                id=cid,
                team=draw(st.sampled_from(["a", "b", "c"])),
                sex=draw(st.sampled_from(["female", "male", "other", "unknown"])),
                birth_date=draw(
                    st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2010, 12, 31)))
                ),
            )
        )
        for _ in range(draw(st.integers(0, 2))):
            start = draw(days)
            length = draw(maybe)
            end = None if length is None else start + timedelta(days=length)
            reason = draw(st.sampled_from(["goals_met", "moved_away", "disengaged"])) if end else ""
            data.episodes.append(REpisode(cid, start, end, reason))
        for _ in range(draw(st.integers(0, 10))):
            mode = draw(
                st.sampled_from(["face_to_face", "face_to_face", "phone", "video", "message"])
            )
            location = (
                draw(st.sampled_from(["", "street", "team_office", "client_home"]))
                if mode == "face_to_face"
                else ""
            )
            data.contacts.append(
                RContact(
                    cid,
                    draw(moments),
                    mode=mode,
                    outcome=draw(st.sampled_from(["met", "met", "not_met"])),
                    location=location,
                    duration_minutes=draw(st.integers(0, 120)),
                    informal_support_present=draw(st.booleans()),
                    staff=frozenset(draw(st.sets(st.integers(0, 2), max_size=2))),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            admitted = draw(days)
            length = draw(st.one_of(st.none(), st.integers(0, 60)))
            data.stays.append(
                RStay(
                    cid,
                    admitted,
                    None if length is None else admitted + timedelta(days=length),
                    draw(st.sampled_from(["voluntary", "involuntary"])),
                    draw(st.sampled_from(["", "yes", "partly", "no", "none", "unknown"])),
                )
            )
        for stay in [s for s in data.stays if s.client == cid and s.discharged_on]:
            # Follow-up contacts around the edges of the 72-hour and 7-day windows.
            for _ in range(draw(st.integers(0, 1))):
                data.contacts.append(
                    RContact(
                        cid,
                        datetime.combine(
                            stay.discharged_on + timedelta(days=draw(st.integers(-1, 9))),
                            time(draw(st.sampled_from([0, 10, 21, 22, 23]))),
                            tzinfo=UTC,
                        ),
                        outcome=draw(st.sampled_from(["met", "met", "not_met"])),
                    )
                )
        for _ in range(draw(st.integers(0, 1))):
            data.relapses.append(RRelapse(cid, draw(days)))
        for _ in range(draw(st.integers(0, 2))):
            reported = draw(moments)
            delay = draw(st.one_of(st.none(), st.integers(0, 72 * 60)))
            data.crises.append(
                RCrisis(
                    cid, reported, None if delay is None else reported + timedelta(minutes=delay)
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            started = draw(moments)
            after = draw(st.one_of(st.none(), st.integers(-1, 30)))
            data.measures.append(
                RMeasure(
                    cid,
                    started,
                    draw(st.sampled_from(["seclusion", "forced_medication"])),
                    None if after is None else started.date() + timedelta(days=after),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            sent = draw(days)
            wait = draw(st.one_of(st.none(), st.integers(0, 60)))
            data.agency_requests.append(
                RAgencyRequest(
                    cid,
                    sent,
                    None if wait is None else sent + timedelta(days=wait),
                    draw(st.sampled_from(["", "housing", "health", "other", AGENCY_KINDS[1]])),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            data.adverse_events.append(
                RAdverseEvent(
                    cid,
                    draw(st.sampled_from(["self_harm", "death", "arrest"])),
                    draw(days),
                )
            )
        for _ in range(draw(st.integers(0, 1))):
            data.milestones.append(
                RMilestone(cid, draw(st.sampled_from(["housing", "benefits"])), draw(days))
            )
        for _ in range(draw(st.integers(0, 3))):
            received = draw(moments)
            status = draw(
                st.sampled_from(["received", "accepted", "declined", "withdrawn", "waitlisted"])
            )
            wait = draw(st.integers(0, 20 * 24 * 60))
            with_client = draw(st.booleans())
            data.referrals.append(
                RReferral(
                    cid if with_client else None,
                    None if with_client else draw(st.sampled_from(["a", "b", "c"])),
                    received,
                    draw(st.sampled_from(["gp", "hospital", "self"])),
                    status,
                    None
                    if status in ("received", "waitlisted")
                    else received + timedelta(minutes=wait),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            data.agreements.append(RAgreement(cid, draw(days)))
        assessed = draw(st.sets(days, max_size=3))
        for day in sorted(assessed):
            score = draw(st.one_of(st.none(), st.integers(100, 700)))
            data.assessments.append(
                RAssessment(cid, day, None if score is None else Decimal(score) / 100)
            )
    return data


@pytest.mark.django_db(transaction=False)
@hsettings(
    # 60 in the suite; `make property` (a CI step) runs Hypothesis's 100.
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_engine_matches_reference(drawn):
    period = drawn.draw(st.sampled_from(PERIODS), label="period")
    p = Period.parse(period)
    data = drawn.draw(caseloads(p), label="caseload")
    with transaction.atomic():
        north = MunicipalityFactory(slug="north")
        south = MunicipalityFactory(slug="south")
        teams = {
            "a": TeamFactory(slug="a", municipality=north),
            "b": TeamFactory(slug="b", municipality=north),
            "c": TeamFactory(slug="c", municipality=south),
        }
        staff = {i: UserFactory() for i in range(3)}
        write_caseload(data, teams, staff)
        for scope, team_set in (
            (Scope.everything(), None),
            (Scope.team("a"), {"a"}),
            (Scope.municipality("north"), {"a", "b"}),
        ):
            got = engine.compute(p, scope)
            today = localdate()
            want = reference(
                data, p.first, p.as_of(today), team_set, settings.TIME_ZONE, today=today
            )
            assert differences(got, want) == [], (str(scope), period)
        transaction.set_rollback(True)
