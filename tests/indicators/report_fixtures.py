"""A month of data for the report tests: 7 clients in care, a few events (small numbers)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from outreach.models import (
    AgencyRequest,
    CoerciveMeasure,
    Contact,
    Crisis,
    HospitalStay,
    LegalStatus,
)
from tests.factories import ClientFactory, EpisodeFactory

SOFIA = ZoneInfo("Europe/Sofia")
AUGUST = "2026-08"


def at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=SOFIA)


@pytest.fixture
def report_data(team, other_team, tandem):
    """Team Centre in August 2026: caseload 7, 2 involuntary admissions, 3 seen contacts."""
    team.municipality.name = "София"
    team.municipality.save()
    clients = []
    for i in range(7):
        c = ClientFactory(team=team, tandem=tandem, given_name=f"Petar{i}", family_name=f"Dimov{i}")
        EpisodeFactory(client=c, tandem=tandem, started_on=date(2026, 1, 10))
        clients.append(c)
    for c in clients[:3]:
        Contact.objects.create(
            client=c,
            started_at=at(2026, 8, 20),
            mode="face_to_face",
            outcome="met",
            location="street",
            duration_minutes=45,
        )
    for c in clients[:2]:
        HospitalStay.objects.create(
            client=c, admitted_on=date(2026, 8, 5), legal_status=LegalStatus.INVOLUNTARY
        )
    HospitalStay.objects.create(
        client=clients[2], admitted_on=date(2026, 8, 6), legal_status=LegalStatus.VOLUNTARY
    )
    CoerciveMeasure.objects.create(
        client=clients[0], started_at=at(2026, 8, 6), kind=CoerciveMeasure.Kind.SECLUSION
    )
    Crisis.objects.create(client=clients[3], reported_at=at(2026, 8, 7))
    Crisis.objects.create(
        client=clients[4], reported_at=at(2026, 8, 8), first_response_at=at(2026, 8, 8, 15)
    )
    AgencyRequest.objects.create(
        client=clients[5], agency="Social services", sent_on=date(2026, 6, 1)
    )
    return clients
