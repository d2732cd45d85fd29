"""Fixtures for caseload flags: one client per attention flag, at fixed distances from today.

Imported by tests/indicators/conftest.py and tests/careplans/test_due_card.py.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from careplans.models import PlanAgreement
from tests.careplans.assessments.factories import AssessmentFactory
from tests.careplans.factories import CarePlanFactory
from tests.factories import ClientFactory, ContactFactory, EpisodeFactory, TandemFactory
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CoerciveMeasureFactory,
    CrisisFactory,
    HospitalStayFactory,
)
from tests.outreach.safeguarding.factories import RiskAssessmentFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def noon(today):
    """The aware moment at noon, `days` days ago (local time), so dates never straddle midnight."""

    def f(days: int) -> datetime:
        return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(12)))

    return f


@pytest.fixture
def calm_client(today, noon):
    """A client in care with nothing to flag: seen yesterday, plan agreed, baseline recorded."""

    def make(
        family_name: str,
        *,
        tandem,
        seen_days_ago: int | None = 1,
        plan: bool = True,
        assessed: bool = True,
        started_days_ago: int = 10,
        risk_assessed: bool = True,
    ):
        client = ClientFactory(
            team=tandem.team, tandem=tandem, given_name="Test", family_name=family_name
        )
        episode = EpisodeFactory(
            client=client, tandem=tandem, started_on=today - timedelta(days=started_days_ago)
        )
        if seen_days_ago is not None:
            ContactFactory(
                client=client, author=tandem.professional, started_at=noon(seen_days_ago)
            )
        if plan:
            careplan = CarePlanFactory(episode=episode)
            PlanAgreement.objects.create(
                client=client, careplan=careplan, agreed_on=today - timedelta(days=5), kind="first"
            )
        if assessed:
            AssessmentFactory(client=client, episode=episode, assessed_on=today - timedelta(days=5))
        if risk_assessed:
            RiskAssessmentFactory(
                client=client,
                episode=episode,
                author=tandem.professional,
                assessed_on=today - timedelta(days=5),
            )
        return client

    return make


@pytest.fixture
def second_tandem(team):
    return TandemFactory(team=team)


@pytest.fixture
def flagged(tandem, second_tandem, calm_client, noon, today):
    """One client per flag (and boundary cases that must not be flagged) → {name: client}."""
    c = {}
    c["Calm"] = calm_client("Calm", tandem=tandem)
    # Boundaries on the calm client: debrief due today, request open 29 days, crisis 31 days ago,
    # an admission 31 days ago and a pre-intake one recently: none of them is flagged.
    CoerciveMeasureFactory(client=c["Calm"], started_at=noon(14))
    AgencyRequestFactory(client=c["Calm"], sent_on=today - timedelta(days=29))
    AgencyRequestFactory(
        client=c["Calm"], sent_on=today - timedelta(days=60), responded_on=today - timedelta(days=2)
    )
    CrisisFactory(client=c["Calm"], reported_at=noon(31))
    HospitalStayFactory(
        client=c["Calm"],
        admitted_on=today - timedelta(days=31),
        discharged_on=today - timedelta(days=25),
    )
    c["Notseen"] = calm_client("Notseen", tandem=tandem, seen_days_ago=15)
    # Never seen since acceptance 40 days ago (a client accepted under 14 days ago is not late).
    c["Neverseen"] = calm_client(
        "Neverseen", tandem=tandem, seen_days_ago=None, started_days_ago=40
    )
    c["Longago"] = calm_client("Longago", tandem=tandem, seen_days_ago=30)
    c["Reviewlate"] = calm_client("Reviewlate", tandem=tandem, plan=False, assessed=False)
    c["Assesslate"] = calm_client("Assesslate", tandem=tandem, assessed=False, started_days_ago=20)
    c["Debrieflate"] = calm_client("Debrieflate", tandem=tandem)
    CoerciveMeasureFactory(client=c["Debrieflate"], started_at=noon(29))  # due 15 days ago
    c["Requestold"] = calm_client("Requestold", tandem=tandem)
    AgencyRequestFactory(
        client=c["Requestold"],
        agency="Дирекция Социално подпомагане",
        sent_on=today - timedelta(days=31),
    )
    c["Crisisrecent"] = calm_client("Crisisrecent", tandem=second_tandem)
    CrisisFactory(client=c["Crisisrecent"], reported_at=noon(3), first_response_at=None)
    c["Admitted"] = calm_client("Admitted", tandem=second_tandem)
    HospitalStayFactory(
        client=c["Admitted"],
        admitted_on=today - timedelta(days=5),
        discharged_on=None,
        legal_status="involuntary",
    )
    return c
