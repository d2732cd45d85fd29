"""A small, slow, independent implementation of INDICATORS.md over plain Python records.

Written from the text of INDICATORS.md (not from indicators/engine.py): it walks the days of the
period literally, so that the engine's SQL shortcuts are checked against the plain definitions.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

# Clients and staff members are named by ints (ORM-built caseloads) or by "team:ref" strings
# (caseloads read from the CSV rows of IMPORT_FORMAT.md).
Key = int | str


@dataclass
class RClient:
    id: Key
    team: str
    sex: str = "unknown"
    birth_date: date | None = None


@dataclass
class REpisode:
    client: Key
    started_on: date
    ended_on: date | None = None
    discharge_reason: str = ""


@dataclass
class RContact:
    client: Key
    started_at: datetime
    mode: str = "face_to_face"
    outcome: str = "met"
    location: str = "street"
    duration_minutes: int = 30
    informal_support_present: bool = False
    staff: frozenset[Key] = frozenset()


@dataclass
class RStay:
    client: Key
    admitted_on: date
    discharged_on: date | None
    legal_status: str
    advance_statement_upheld: str = ""


@dataclass
class RRelapse:
    client: Key
    onset_on: date


@dataclass
class RCrisis:
    client: Key
    reported_at: datetime
    first_response_at: datetime | None


@dataclass
class RMeasure:
    client: Key
    started_at: datetime
    kind: str
    debriefed_on: date | None


@dataclass
class RAgencyRequest:
    client: Key
    sent_on: date
    responded_on: date | None
    kind: str = ""  # the kind of its directory agency; "" for a one-off agency


@dataclass
class RAdverseEvent:
    client: Key
    kind: str
    occurred_on: date


@dataclass
class RMilestone:
    client: Key
    kind: str
    achieved_on: date


@dataclass
class RReferral:
    client: Key | None
    team: str | None
    received_at: datetime
    source: str
    status: str
    decided_at: datetime | None


@dataclass
class RAgreement:
    client: Key
    agreed_on: date


@dataclass
class RAssessment:
    client: Key
    assessed_on: date
    score: Decimal | None
    instrument: str = "mansa"


@dataclass
class Caseload:
    clients: list[RClient] = field(default_factory=list)
    episodes: list[REpisode] = field(default_factory=list)
    contacts: list[RContact] = field(default_factory=list)
    stays: list[RStay] = field(default_factory=list)
    relapses: list[RRelapse] = field(default_factory=list)
    crises: list[RCrisis] = field(default_factory=list)
    measures: list[RMeasure] = field(default_factory=list)
    agency_requests: list[RAgencyRequest] = field(default_factory=list)
    milestones: list[RMilestone] = field(default_factory=list)
    referrals: list[RReferral] = field(default_factory=list)
    agreements: list[RAgreement] = field(default_factory=list)
    assessments: list[RAssessment] = field(default_factory=list)
    adverse_events: list[RAdverseEvent] = field(default_factory=list)


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _p90(xs: list[float]) -> float | None:
    if not xs:
        return None
    rank = math.ceil(Fraction(9, 10) * len(xs))
    return sorted(xs)[rank - 1]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return "unknown"
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for upper, band in ((25, "18_24"), (35, "25_34"), (45, "35_44"), (55, "45_54"), (65, "55_64")):
        if age < upper:
            return band
    return "65_plus"


ADVERSE_KINDS = (
    "self_harm",
    "suicide_attempt",
    "death",
    "police_involvement",
    "arrest",
    "eviction",
)
AGENCY_KINDS = (
    "housing",
    "social_assistance",
    "health",
    "mental_health",
    "employment",
    "benefits_and_documents",
    "police_and_justice",
    "education",
    "other",
)


def reference(
    data: Caseload,
    first: date,
    last: date,
    teams: set[str] | None,
    tz: str,
    today: date | None = None,
) -> dict:
    """Every indicator for the days first..last and the clients of `teams` (None: everything).

    `today` is the day of computation (by default `last`): the figures "when computed" and the
    follow-up windows still open are judged on it.
    """
    today = today or last
    zone = ZoneInfo(tz)

    def local(dt: datetime) -> date:
        return dt.astimezone(zone).date()

    def in_p(d: date | None) -> bool:
        return d is not None and first <= d <= last

    clients = {c.id: c for c in data.clients if teams is None or c.team in teams}

    def mine(rows: list[Any]) -> list[Any]:
        return [r for r in rows if r.client in clients]

    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def active(e: REpisode, d: date) -> bool:
        return e.started_on <= d and (e.ended_on is None or d <= e.ended_on)

    def seen(ct: RContact) -> bool:
        return ct.mode == "face_to_face" and ct.outcome == "met"

    def disaggregate(key: str, ids: set[Key]) -> dict[str, Any]:
        by_sex = dict.fromkeys(("female", "male", "other", "unknown"), 0)
        by_age = dict.fromkeys(
            ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown"), 0
        )
        for i in ids:
            by_sex[clients[i].sex] += 1
            by_age[_age_band(clients[i].birth_date, last)] += 1
        return {key: len(ids), f"{key}_by_sex": by_sex, f"{key}_by_age": by_age}

    out: dict[str, Any] = {}
    episodes = mine(data.episodes)
    contacts = mine(data.contacts)

    # Caseload
    out["caseload_start"] = sum(active(e, first) for e in episodes)
    out["caseload_end"] = sum(active(e, last) for e in episodes)
    out["episodes_started"] = sum(in_p(e.started_on) for e in episodes)
    ended = [e for e in episodes if in_p(e.ended_on)]
    out["episodes_ended"] = len(ended)
    out["episodes_ended_by_reason"] = dict(Counter(e.discharge_reason for e in ended))
    cohort = [e for e in episodes if any(active(e, d) for d in days)]
    out.update(disaggregate("clients_served", {e.client for e in cohort}))
    client_days = sum(active(e, d) for e in episodes for d in days)
    out["client_days"] = client_days

    # Referrals
    refs = []
    for r in data.referrals:
        team = data_team(data, r.client) if r.client is not None else r.team
        if teams is None or team in teams:
            refs.append(r)
    received = [r for r in refs if in_p(local(r.received_at))]
    out["referrals_received"] = len(received)
    out["referrals_by_source"] = dict(Counter(r.source for r in received))
    decided = [r for r in refs if r.decided_at is not None and in_p(local(r.decided_at))]
    out["referrals_accepted"] = sum(r.status == "accepted" for r in decided)
    out["referrals_declined"] = sum(r.status == "declined" for r in decided)
    decision = [
        (local(r.decided_at) - local(r.received_at)).days
        for r in decided
        if r.status in ("accepted", "declined")
    ]
    out["referral_decision_days_median"] = _median(decision)
    out["referral_decision_days_median_n"] = len(decision)
    first_days = []
    for r in refs:
        if r.client is None:
            continue
        candidates = [
            local(ct.started_at)
            for ct in data.contacts
            if ct.client == r.client and seen(ct) and local(ct.started_at) >= local(r.received_at)
        ]
        if candidates and in_p(min(candidates)):
            first_days.append((min(candidates) - local(r.received_at)).days)
    out["first_contact_days_median"] = _median(first_days)
    out["first_contact_days_median_n"] = len(first_days)
    out["first_contact_days_p90"] = _p90(first_days)
    out["first_contact_days_p90_n"] = len(first_days)

    # Contacts and engagement
    seen_p = [ct for ct in contacts if seen(ct) and in_p(local(ct.started_at))]
    out["contacts_seen"] = len(seen_p)
    out["contacts_not_met"] = sum(
        ct.outcome == "not_met" and in_p(local(ct.started_at)) for ct in contacts
    )
    weeks = client_days / 7
    out["contacts_per_client_week"] = len(seen_p) / weeks if client_days else None
    minutes = sum(ct.duration_minutes for ct in seen_p)
    out["contact_minutes_per_client_week"] = minutes / weeks if client_days else None
    out["community_contact_share"] = _share(
        sum(ct.location != "team_office" for ct in seen_p), len(seen_p)
    )
    out["community_contact_share_n"] = len(seen_p)
    out["informal_support_contacts"] = sum(
        ct.informal_support_present and in_p(local(ct.started_at)) for ct in contacts
    )

    def seen_between(client: Key, a: date, b: date) -> list[RContact]:
        return [
            ct
            for ct in contacts
            if ct.client == client and seen(ct) and a <= local(ct.started_at) <= b
        ]

    out["clients_not_seen_30d"] = sum(
        1
        for e in episodes
        if active(e, last)
        and e.started_on <= last - timedelta(days=30)
        and not seen_between(e.client, last - timedelta(days=29), last)
    )
    recent = {
        ct.client
        for ct in contacts
        if seen(ct) and last - timedelta(days=13) <= local(ct.started_at) <= last
    }
    team_ok = 0
    for client in recent:
        staff: set[Key] = set()
        for ct in seen_between(client, last - timedelta(days=13), last):
            staff |= ct.staff
        team_ok += len(staff) >= 2
    out["team_approach_share"] = _share(team_ok, len(recent))
    out["team_approach_share_n"] = len(recent)

    # Crises, relapses and hospital
    relapses = [r for r in mine(data.relapses) if in_p(r.onset_on)]
    out["relapses"] = len(relapses)
    out["clients_with_relapse"] = len({r.client for r in relapses})
    stays = mine(data.stays)
    admissions = [s for s in stays if in_p(s.admitted_on)]
    involuntary = [s for s in admissions if s.legal_status == "involuntary"]
    out["admissions"] = len(admissions)
    out["admissions_involuntary"] = len(involuntary)
    out["admissions_voluntary"] = sum(s.legal_status == "voluntary" for s in admissions)
    out["involuntary_admission_share"] = _share(len(involuntary), len(admissions))
    out["involuntary_admission_share_n"] = len(admissions)
    bed_days = 0
    for s in stays:
        start = max(s.admitted_on, first)
        stop = min(s.discharged_on or date.max, last + timedelta(days=1))
        bed_days += max(0, (stop - start).days)
    out["bed_days"] = bed_days
    crises = [c for c in mine(data.crises) if in_p(local(c.reported_at))]
    out["crises"] = len(crises)
    out["crises_without_response"] = sum(c.first_response_at is None for c in crises)
    hours = [
        (c.first_response_at - c.reported_at).total_seconds() / 3600
        for c in crises
        if c.first_response_at is not None
    ]
    out["crisis_response_hours_median"] = _median(hours)
    out["crisis_response_hours_median_n"] = len(hours)

    # Care plans and outcomes
    due = [e for e in episodes if active(e, last) and e.started_on <= last - timedelta(days=30)]
    covered = sum(
        any(
            a.client == e.client and last - timedelta(days=91) <= a.agreed_on <= last
            for a in data.agreements
        )
        for e in due
    )
    out["care_plan_coverage"] = _share(covered, len(due))
    out["care_plan_coverage_n"] = len(due)
    changes = []
    for e in cohort:
        within = sorted(
            (
                a
                for a in data.assessments
                if a.client == e.client
                and a.instrument == "mansa"
                and a.score is not None
                and e.started_on <= a.assessed_on <= (e.ended_on or date.max)
            ),
            key=lambda a: a.assessed_on,
        )
        if not within:
            continue
        baseline = within[0]
        follow = [
            a
            for a in within
            if a.assessed_on <= last and a.assessed_on >= baseline.assessed_on + timedelta(days=60)
        ]
        if follow:
            changes.append(float(follow[-1].score - baseline.score))
    out["qol_change_mean"] = statistics.fmean(changes) if changes else None
    out["qol_change_mean_n"] = len(changes)

    # Rights, coordination and recovery
    out.update(disaggregate("clients_with_involuntary_admission", {s.client for s in involuntary}))
    measures = [m for m in mine(data.measures) if in_p(local(m.started_at))]
    out["coercive_measures"] = len(measures)
    out["coercive_measures_by_kind"] = dict(Counter(m.kind for m in measures))
    out.update(disaggregate("clients_with_coercive_measure", {m.client for m in measures}))
    debriefed = sum(
        m.debriefed_on is not None and m.debriefed_on <= local(m.started_at) + timedelta(days=14)
        for m in measures
    )
    out["coercion_debrief_share"] = _share(debriefed, len(measures))
    out["coercion_debrief_share_n"] = len(measures)
    before = during = 0
    exposure_days = 0
    for e in cohort:
        until = min(e.ended_on or last, last)
        for s in data.stays:
            if s.client != e.client or s.legal_status != "involuntary":
                continue
            if (
                e.started_on - timedelta(days=365)
                <= s.admitted_on
                <= e.started_on - timedelta(days=1)
            ):
                before += 1
            if e.started_on <= s.admitted_on <= until:
                during += 1
        exposure_days += (until - e.started_on).days + 1
    out["involuntary_admissions_per_client_year_before"] = before / len(cohort) if cohort else None
    out["involuntary_admissions_per_client_year_during"] = (
        during / (exposure_days / 365) if exposure_days else None
    )
    requests = mine(data.agency_requests)
    out["agency_requests_sent"] = sum(in_p(r.sent_on) for r in requests)
    response = [(r.responded_on - r.sent_on).days for r in requests if in_p(r.responded_on)]
    out["agency_response_days_median"] = _median(response)
    out["agency_response_days_median_n"] = len(response)
    out["agency_requests_open_30d"] = sum(
        r.sent_on <= last - timedelta(days=30) and (r.responded_on is None or r.responded_on > last)
        for r in requests
    )
    out["milestones_by_kind"] = dict(
        Counter(m.kind for m in mine(data.milestones) if in_p(m.achieved_on))
    )

    # Continuity of care and safety
    all_seen = [ct for ct in contacts if seen(ct)]
    discharges = [
        s
        for s in stays
        if in_p(s.discharged_on)
        and any(e.client == s.client and active(e, s.discharged_on) for e in episodes)
    ]
    out["hospital_discharges"] = len(discharges)
    for key, window in (
        ("post_discharge_followup_72h_share", 3),
        ("post_discharge_followup_7d_share", 7),
    ):
        counted = followed = 0
        for s in discharges:
            end = s.discharged_on + timedelta(days=window)
            has = any(
                ct.client == s.client and s.discharged_on <= local(ct.started_at) <= end
                for ct in all_seen
            )
            if end > today and not has:
                continue
            counted += 1
            followed += has
        out[key] = _share(followed, counted)
        out[f"{key}_n"] = counted
    gaps = []
    for s in discharges:
        later = [
            local(ct.started_at)
            for ct in all_seen
            if ct.client == s.client and local(ct.started_at) >= s.discharged_on
        ]
        if later:
            gaps.append((min(later) - s.discharged_on).days)
    out["post_discharge_first_contact_days_median"] = _median(gaps)
    out["post_discharge_first_contact_days_median_n"] = len(gaps)
    stated = [s for s in admissions if s.advance_statement_upheld in ("yes", "partly", "no")]
    out["advance_statement_upheld_share"] = _share(
        sum(s.advance_statement_upheld == "yes" for s in stated), len(stated)
    )
    out["advance_statement_upheld_share_n"] = len(stated)

    def nights(client: Key, a: date, b: date) -> int:
        total = 0
        for s in stays:
            if s.client != client:
                continue
            d = a
            while d <= b:
                if s.admitted_on <= d and (s.discharged_on is None or d < s.discharged_on):
                    total += 1
                d += timedelta(days=1)
        return total

    before_nights = during_nights = 0
    for e in cohort:
        until = min(e.ended_on or last, last)
        before_nights += nights(
            e.client, e.started_on - timedelta(days=365), e.started_on - timedelta(days=1)
        )
        during_nights += nights(e.client, e.started_on, until)
    out["bed_days_per_client_year_before"] = before_nights / len(cohort) if cohort else None
    out["bed_days_per_client_year_during"] = (
        during_nights / (exposure_days / 365) if exposure_days else None
    )
    adverse = dict.fromkeys(ADVERSE_KINDS, 0)
    for a in mine(data.adverse_events):
        if in_p(a.occurred_on):
            adverse[a.kind] += 1
    out["adverse_events_by_kind"] = adverse
    by_kind = dict.fromkeys(AGENCY_KINDS, 0)
    days_by_kind: dict[str, list[int]] = {k: [] for k in AGENCY_KINDS}
    for r in requests:
        kind = r.kind or "other"
        if in_p(r.sent_on):
            by_kind[kind] += 1
        if in_p(r.responded_on):
            days_by_kind[kind].append((r.responded_on - r.sent_on).days)
    out["agency_requests_by_kind"] = by_kind
    out["agency_response_days_median_by_kind"] = {k: _median(v) for k, v in days_by_kind.items()}
    out["agency_response_days_median_by_kind_n"] = {k: len(v) for k, v in days_by_kind.items()}
    waiting = [(today - local(r.received_at)).days for r in refs if r.status == "waitlisted"]
    out["waiting_list_when_computed"] = len(waiting)
    out["waiting_days_median_when_computed"] = _median(waiting)
    out["waiting_days_median_when_computed_n"] = len(waiting)
    return out


def data_team(data: Caseload, client_id: Key) -> str:
    return next(c.team for c in data.clients if c.id == client_id)


# --- Reading the CSV rows of IMPORT_FORMAT.md into a Caseload (no importer, no database) ---


def parse_moment(value: str, tz: str) -> datetime:
    """A datetime cell as an instant in UTC; without an offset it is wall time in `tz`.

    IMPORT_FORMAT.md: a wall time that occurs twice takes the earlier (summer-time) offset,
    which is ``fold=0``. Wall times skipped by a clock change are invalid (never given here).
    """
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz), fold=0)
    return moment.astimezone(UTC)


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def caseload_from_rows(files: dict[str, dict[str, list[dict[str, str]]]], tz: str) -> Caseload:
    """The Caseload that the CSV rows describe, for {team slug: {file name: rows}}.

    A person is identified by (team, person_ref) and a staff member by (team, staff_ref): refs are
    the source system's identifiers, per import. A referral with an empty `person_ref` belongs to
    the team it was imported into.
    """
    data = Caseload()
    for team, rows in files.items():

        def person(ref: str, team: str = team) -> str:
            return f"{team}:{ref}"

        for r in rows.get("people.csv", []):
            data.clients.append(
                RClient(person(r["person_ref"]), team, r["sex"], _day(r["birth_date"]))
            )
        for r in rows.get("episodes.csv", []):
            data.episodes.append(
                REpisode(
                    person(r["person_ref"]),
                    _day(r["started_on"]),
                    _day(r["ended_on"]),
                    r["discharge_reason"],
                )
            )
        for r in rows.get("contacts.csv", []):
            refs = r["staff_refs"].split(";") if r["staff_refs"] else []
            data.contacts.append(
                RContact(
                    person(r["person_ref"]),
                    parse_moment(r["started_at"], tz),
                    mode=r["mode"],
                    outcome=r["outcome"],
                    location=r["location"],
                    duration_minutes=int(r["duration_minutes"]),
                    informal_support_present=r["informal_support_present"] == "true",
                    staff=frozenset(f"{team}:{s}" for s in refs),
                )
            )
        for r in rows.get("hospital_stays.csv", []):
            data.stays.append(
                RStay(
                    person(r["person_ref"]),
                    _day(r["admitted_on"]),
                    _day(r["discharged_on"]),
                    r["legal_status"],
                    r.get("advance_statement_upheld", ""),
                )
            )
        for r in rows.get("relapses.csv", []):
            data.relapses.append(RRelapse(person(r["person_ref"]), _day(r["onset_on"])))
        for r in rows.get("crises.csv", []):
            data.crises.append(
                RCrisis(
                    person(r["person_ref"]),
                    parse_moment(r["reported_at"], tz),
                    parse_moment(r["first_response_at"], tz) if r["first_response_at"] else None,
                )
            )
        for r in rows.get("careplan_reviews.csv", []):
            data.agreements.append(RAgreement(person(r["person_ref"]), _day(r["agreed_on"])))
        for r in rows.get("assessments.csv", []):
            data.assessments.append(
                RAssessment(
                    person(r["person_ref"]),
                    _day(r["assessed_on"]),
                    Decimal(r["score"]) if r["score"] else None,
                    instrument=r["instrument"],
                )
            )
        for r in rows.get("coercive_measures.csv", []):
            data.measures.append(
                RMeasure(
                    person(r["person_ref"]),
                    parse_moment(r["started_at"], tz),
                    r["kind"],
                    _day(r["debriefed_on"]),
                )
            )
        for r in rows.get("agency_requests.csv", []):
            data.agency_requests.append(
                RAgencyRequest(
                    person(r["person_ref"]),
                    _day(r["sent_on"]),
                    _day(r["responded_on"]),
                    r.get("agency_kind", ""),
                )
            )
        for r in rows.get("adverse_events.csv", []):
            data.adverse_events.append(
                RAdverseEvent(person(r["person_ref"]), r["kind"], _day(r["occurred_on"]))
            )
        for r in rows.get("milestones.csv", []):
            data.milestones.append(
                RMilestone(person(r["person_ref"]), r["kind"], _day(r["achieved_on"]))
            )
        for r in rows.get("referrals.csv", []):
            ref = r["person_ref"]
            data.referrals.append(
                RReferral(
                    person(ref) if ref else None,
                    None if ref else team,
                    parse_moment(r["received_at"], tz),
                    r["source"],
                    r["status"],
                    parse_moment(r["decided_at"], tz) if r["decided_at"] else None,
                )
            )
    return data
