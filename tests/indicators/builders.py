"""Write a reference Caseload into the database, and compare two indicator dicts."""

from __future__ import annotations

import math
from typing import Any

from careplans.models import Assessment, Instrument, PlanAgreement
from outreach.models import (
    AdverseEvent,
    Agency,
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    Milestone,
    Relapse,
    Team,
    User,
)
from referrals.models import Referral

from .reference import Caseload


def write_caseload(data: Caseload, teams: dict[str, Team], staff: dict[int, User]) -> None:
    """Create the rows of `data` (client ids map to new Client rows)."""
    ids: dict[int, Client] = {}
    for c in data.clients:
        ids[c.id] = Client.objects.create(
            team=teams[c.team], given_name=f"C{c.id}", sex=c.sex, birth_date=c.birth_date
        )
    Episode.objects.bulk_create(
        Episode(
            client=ids[e.client],
            started_on=e.started_on,
            ended_on=e.ended_on,
            discharge_reason=e.discharge_reason,
        )
        for e in data.episodes
    )
    for ct in data.contacts:
        row = Contact.objects.create(
            client=ids[ct.client],
            started_at=ct.started_at,
            mode=ct.mode,
            outcome=ct.outcome,
            location=ct.location,
            duration_minutes=ct.duration_minutes,
            informal_support_present=ct.informal_support_present,
        )
        if ct.staff:
            row.staff.set([staff[s] for s in ct.staff])
    HospitalStay.objects.bulk_create(
        HospitalStay(
            client=ids[s.client],
            admitted_on=s.admitted_on,
            discharged_on=s.discharged_on,
            legal_status=s.legal_status,
            advance_statement_upheld=s.advance_statement_upheld,
        )
        for s in data.stays
    )
    Relapse.objects.bulk_create(
        Relapse(client=ids[r.client], onset_on=r.onset_on) for r in data.relapses
    )
    Crisis.objects.bulk_create(
        Crisis(
            client=ids[c.client], reported_at=c.reported_at, first_response_at=c.first_response_at
        )
        for c in data.crises
    )
    CoerciveMeasure.objects.bulk_create(
        CoerciveMeasure(
            client=ids[m.client], started_at=m.started_at, kind=m.kind, debriefed_on=m.debriefed_on
        )
        for m in data.measures
    )
    directory: dict[tuple[int, str], Agency] = {}

    def listed(client: Client, kind: str) -> Agency | None:
        """A directory agency of the client's municipality with that kind (None: one-off)."""
        if not kind:
            return None
        key = (client.team.municipality_id, kind)
        if key not in directory:
            directory[key] = Agency.objects.create(
                municipality_id=key[0], name=f"Agency {kind}", kind=kind
            )
        return directory[key]

    AgencyRequest.objects.bulk_create(
        AgencyRequest(
            client=ids[r.client],
            agency=f"Agency {r.kind or 'one-off'}",
            listed_agency=listed(ids[r.client], r.kind),
            sent_on=r.sent_on,
            responded_on=r.responded_on,
        )
        for r in data.agency_requests
    )
    AdverseEvent.objects.bulk_create(
        AdverseEvent(client=ids[a.client], kind=a.kind, occurred_on=a.occurred_on)
        for a in data.adverse_events
    )
    Milestone.objects.bulk_create(
        Milestone(client=ids[m.client], kind=m.kind, achieved_on=m.achieved_on)
        for m in data.milestones
    )
    Referral.objects.bulk_create(
        Referral(
            municipality=(teams[r.team] if r.team else ids[r.client].team).municipality,
            client=ids[r.client] if r.client is not None else None,
            team=teams[r.team] if r.team is not None else None,
            received_at=r.received_at,
            source=r.source,
            status=r.status,
            decided_at=r.decided_at,
        )
        for r in data.referrals
    )
    PlanAgreement.objects.bulk_create(
        PlanAgreement(client=ids[a.client], agreed_on=a.agreed_on) for a in data.agreements
    )
    instruments: dict[str, Instrument] = {}
    for a in data.assessments:
        if a.instrument not in instruments:
            instruments[a.instrument], _ = Instrument.objects.get_or_create(
                code=a.instrument, version="1", defaults={"name": a.instrument.upper()}
            )
        Assessment.objects.create(
            client=ids[a.client],
            instrument=instruments[a.instrument],
            assessed_on=a.assessed_on,
            score=a.score,
        )


def differences(got: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Return a line per key that is missing or differs (floats compared to 1e-9)."""
    problems = []
    for key, want in expected.items():
        if key not in got:
            problems.append(f"{key}: missing")
            continue
        have = got[key]
        if isinstance(want, float) or isinstance(have, float):
            if (
                have is None
                or want is None
                or not math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-9)
            ):
                if not (have is None and want is None):
                    problems.append(f"{key}: got {have!r}, expected {want!r}")
        elif have != want:
            problems.append(f"{key}: got {have!r}, expected {want!r}")
    for key in got.keys() - expected.keys():
        problems.append(f"{key}: unexpected key")
    return problems
