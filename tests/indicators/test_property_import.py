"""Property test through the import format: random caseloads as the CSV rows of IMPORT_FORMAT.md,
imported with the importer, computed by the engine, compared with the pure-Python reference.

The reference reads the same rows (`caseload_from_rows`), not the database: it is independent of
both the importer and the engine.
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.utils.timezone import localdate
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from indicators import engine
from indicators.dataio.importer import import_dir
from indicators.periods import Period, Scope
from tests.factories import make_origin

from .builders import differences
from .reference import caseload_from_rows, reference

SOFIA = ZoneInfo("Europe/Sofia")
START = date(2025, 6, 1)
# Nothing may be in the future (the importer rejects it): the last day any row may name.
END = date(2026, 11, 20)
LIMIT = datetime.combine(END, time(23, 59), tzinfo=SOFIA).astimezone(UTC)
# Clock changes in Europe/Sofia: 03:00-04:00 skipped in March, repeated in October.
DST_DAYS = [date(2025, 10, 26), date(2026, 3, 29), date(2026, 10, 25)]
# 2026-03 and 2026-10 contain a clock change, 2025-Q4 too; 2026-Q4 runs past today.
PERIODS = ["2026-Q3", "2026-10", "2026-03", "2025-Q4", "2026-Q4"]

COLUMNS = {
    "people.csv": ["person_ref", "given_name", "family_name", "birth_date", "sex"],
    "staff.csv": ["staff_ref", "given_name", "family_name", "role", "email"],
    "referrals.csv": [
        "referral_ref",
        "person_ref",
        "received_at",
        "source",
        "status",
        "decided_at",
    ],
    "episodes.csv": ["episode_ref", "person_ref", "started_on", "ended_on", "discharge_reason"],
    "contacts.csv": [
        "contact_ref",
        "person_ref",
        "started_at",
        "duration_minutes",
        "mode",
        "location",
        "outcome",
        "staff_refs",
        "informal_support_present",
    ],
    "hospital_stays.csv": [
        "stay_ref",
        "person_ref",
        "admitted_on",
        "discharged_on",
        "legal_status",
        "advance_statement_upheld",
    ],
    "relapses.csv": ["relapse_ref", "person_ref", "onset_on"],
    "crises.csv": ["crisis_ref", "person_ref", "reported_at", "first_response_at"],
    "careplan_reviews.csv": ["review_ref", "person_ref", "agreed_on"],
    "assessments.csv": ["assessment_ref", "person_ref", "instrument", "assessed_on", "score"],
    "coercive_measures.csv": ["measure_ref", "person_ref", "started_at", "kind", "debriefed_on"],
    "agency_requests.csv": [
        "request_ref",
        "person_ref",
        "agency",
        "sent_on",
        "responded_on",
        "agency_kind",
    ],
    "adverse_events.csv": ["event_ref", "person_ref", "kind", "occurred_on"],
    "milestones.csv": ["milestone_ref", "person_ref", "kind", "achieved_on"],
}
SOURCES = [
    "municipality",
    "social_services",
    "hospital",
    "gp",
    "psychiatrist",
    "police",
    "ngo",
    "family",
    "self",
    "other",
]
STATUSES = ["received", "screening", "accepted", "declined", "waitlisted", "withdrawn"]
REASONS = [
    "goals_met",
    "transferred",
    "moved_away",
    "client_ended",
    "disengaged",
    "declined_service",
    "died",
    "other",
]
KINDS = [
    "seclusion",
    "physical_restraint",
    "mechanical_restraint",
    "chemical_restraint",
    "forced_medication",
    "involuntary_treatment",
    "other",
]
MILESTONES = ["id_document", "benefits", "housing", "work_or_education", "family_reconnected"]


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def clamp(d: date) -> date:
    return min(d, END)


def day_strategy(period: Period) -> st.SearchStrategy[date]:
    """Days anywhere, near the period's edges and windows, and on clock-change days."""
    anywhere = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
    near = st.builds(
        lambda anchor, k: clamp(anchor + timedelta(days=k)),
        st.sampled_from([period.first, period.last]),
        st.integers(-100, 40),
    )
    # The last 14 and 30 days of the period (team approach, clients not seen).
    window = st.integers(0, 31).map(lambda k: clamp(period.last - timedelta(days=k)))
    return st.one_of(anywhere, near, near, window, st.sampled_from(DST_DAYS))


def instants(
    days: st.SearchStrategy[date], hours: list[int] | None = None
) -> st.SearchStrategy[datetime]:
    """Instants (aware, UTC) at local wall times near midnight and around 03:00-04:00."""
    return st.builds(
        lambda d, h, m, fold: min(
            datetime.combine(d, time(h, m), tzinfo=SOFIA).replace(fold=fold).astimezone(UTC),
            LIMIT,
        ),
        days,
        st.sampled_from(hours or [0, 0, 1, 2, 3, 3, 4, 10, 21, 22, 23, 23]),
        st.sampled_from([0, 1, 30, 59]),
        st.sampled_from([0, 1]),
    )


def render(instant: datetime, style: str) -> str:
    """Write an instant as a datetime cell: wall time without offset when that means the same
    instant (IMPORT_FORMAT.md: earlier offset when repeated), else with an offset."""
    if style == "naive":
        wall = instant.astimezone(SOFIA).replace(tzinfo=None)
        if wall.replace(tzinfo=SOFIA, fold=0).astimezone(UTC) == instant:
            return wall.isoformat()
        style = "sofia"
    if style == "sofia":
        return instant.astimezone(SOFIA).isoformat()
    if style == "z":
        return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    return instant.astimezone(timezone(timedelta(hours=-5))).isoformat()


clock_change_moments = instants(st.sampled_from(DST_DAYS), hours=[1, 2, 3, 3, 4])
styles = st.sampled_from(["naive", "naive", "naive", "sofia", "z", "minus5"])


@st.composite
def team_files(draw, period: Period) -> dict[str, list[dict[str, str]]]:
    """The rows of every file for one team (valid data only)."""
    days = day_strategy(period)
    moments = instants(days)

    def moment_cell(instant: datetime) -> str:
        return render(instant, draw(styles))

    rows: dict[str, list[dict[str, str]]] = {name: [] for name in COLUMNS}
    n = 0

    def ref(prefix: str) -> str:
        nonlocal n
        n += 1
        return f"{prefix}{n}"

    staff_refs = [f"S{i}" for i in range(draw(st.sampled_from([0, 1, 2, 3, 3])))]
    for s in staff_refs:
        rows["staff.csv"].append(
            {
                "staff_ref": s,
                "given_name": f"Staff {s}",
                "family_name": "",
                "role": draw(st.sampled_from(["professional", "peer", "supervisor"])),
                "email": "",
            }
        )
    for p in range(draw(st.integers(1, 5))):
        person = f"P{p}"
        rows["people.csv"].append(
            {
                "person_ref": person,
                "given_name": draw(st.sampled_from(["Ana", 'Ivan "Vanyo", Jr.', "Мария"])),
                "family_name": "",
                "birth_date": iso(
                    draw(st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2010, 12, 31))))
                ),
                "sex": draw(st.sampled_from(["female", "male", "other", "unknown"])),
            }
        )
        # Episodes: in order, never overlapping (a gap of at least one day); only the last open.
        cursor = draw(days) - timedelta(days=draw(st.sampled_from([0, 0, 10, 100, 200])))
        for _ in range(draw(st.integers(0, 3))):
            start = max(cursor, START)
            if start > END:
                break
            length = draw(st.one_of(st.none(), st.integers(0, 45), st.integers(0, 400)))
            end = None if length is None else clamp(start + timedelta(days=length))
            rows["episodes.csv"].append(
                {
                    "episode_ref": ref("E"),
                    "person_ref": person,
                    "started_on": iso(start),
                    "ended_on": iso(end),
                    "discharge_reason": draw(st.sampled_from(REASONS)) if end else "",
                }
            )
            if end is None:
                break
            cursor = end + timedelta(days=draw(st.integers(1, 60)))
        for _ in range(draw(st.integers(0, 8))):
            mode = draw(
                st.sampled_from(["face_to_face", "face_to_face", "phone", "video", "message"])
            )
            location = (
                draw(st.sampled_from(["", "client_home", "street", "hospital", "team_office"]))
                if mode == "face_to_face"
                else ""
            )
            rows["contacts.csv"].append(
                {
                    "contact_ref": ref("C"),
                    "person_ref": person,
                    "started_at": moment_cell(draw(moments)),
                    "duration_minutes": str(draw(st.sampled_from([0, 15, 45, 90, 1440]))),
                    "mode": mode,
                    "location": location,
                    "outcome": draw(st.sampled_from(["met", "met", "not_met"])),
                    "staff_refs": ";".join(
                        draw(st.lists(st.sampled_from(staff_refs), max_size=3, unique=True))
                        if staff_refs
                        else []
                    ),
                    "informal_support_present": draw(st.sampled_from(["true", "false", ""])),
                }
            )
        stays: list[tuple[date, date]] = []
        for _ in range(draw(st.integers(0, 2))):
            admitted = draw(days)
            length = draw(st.one_of(st.none(), st.integers(0, 60)))
            discharged = None if length is None else admitted + timedelta(days=length)
            # The importer refuses overlapping stays of one person (a transfer on the day of a
            # discharge is fine): draw only plausible ones.
            kept = discharged if discharged and discharged <= END else None
            end = kept or date.max
            if any(admitted < other_end and other_start < end for other_start, other_end in stays):
                continue
            stays.append((admitted, end))
            rows["hospital_stays.csv"].append(
                {
                    "stay_ref": ref("H"),
                    "person_ref": person,
                    "admitted_on": iso(admitted),
                    # A discharge after today is not known yet: the stay is still running.
                    "discharged_on": iso(discharged if discharged and discharged <= END else None),
                    "legal_status": draw(st.sampled_from(["voluntary", "involuntary"])),
                    "advance_statement_upheld": draw(
                        st.sampled_from(["", "yes", "partly", "no", "none", "unknown"])
                    ),
                }
            )
        for _ in range(draw(st.integers(0, 1))):
            rows["relapses.csv"].append(
                {"relapse_ref": ref("R"), "person_ref": person, "onset_on": iso(draw(days))}
            )
        for _ in range(draw(st.integers(0, 2))):
            # Often around a clock change, answered within hours: an hour more or less shows.
            reported = draw(st.one_of(moments, clock_change_moments))
            delay = draw(st.one_of(st.none(), st.integers(0, 180), st.integers(0, 72 * 60)))
            response = None if delay is None else reported + timedelta(minutes=delay)
            rows["crises.csv"].append(
                {
                    "crisis_ref": ref("K"),
                    "person_ref": person,
                    "reported_at": moment_cell(reported),
                    "first_response_at": moment_cell(min(response, LIMIT)) if response else "",
                }
            )
        for _ in range(draw(st.integers(0, 2))):
            started = draw(moments)
            after = draw(st.one_of(st.none(), st.integers(0, 30)))
            local_day = started.astimezone(SOFIA).date()
            debrief = None if after is None else local_day + timedelta(days=after)
            rows["coercive_measures.csv"].append(
                {
                    "measure_ref": ref("M"),
                    "person_ref": person,
                    "started_at": moment_cell(started),
                    "kind": draw(st.sampled_from(KINDS)),
                    "debriefed_on": iso(debrief if debrief and debrief <= END else None),
                }
            )
        for _ in range(draw(st.integers(0, 2))):
            sent = draw(days)
            wait = draw(st.one_of(st.none(), st.integers(0, 60)))
            responded = None if wait is None else sent + timedelta(days=wait)
            kind = draw(st.sampled_from(["", "", "housing", "health", "other", "education"]))
            rows["agency_requests.csv"].append(
                {
                    "request_ref": ref("A"),
                    "person_ref": person,
                    # One name per kind: a name has one kind in the municipality's directory.
                    "agency": f"Office of {kind}" if kind else "Housing office",
                    "sent_on": iso(sent),
                    "responded_on": iso(responded if responded and responded <= END else None),
                    "agency_kind": kind,
                }
            )
        for _ in range(draw(st.integers(0, 2))):
            rows["adverse_events.csv"].append(
                {
                    "event_ref": ref("E"),
                    "person_ref": person,
                    "kind": draw(st.sampled_from(["self_harm", "suicide_attempt", "death"])),
                    "occurred_on": iso(draw(days)),
                }
            )
        for _ in range(draw(st.integers(0, 1))):
            rows["milestones.csv"].append(
                {
                    "milestone_ref": ref("G"),
                    "person_ref": person,
                    "kind": draw(st.sampled_from(MILESTONES)),
                    "achieved_on": iso(draw(days)),
                }
            )
        for _ in range(draw(st.integers(0, 3))):
            received = draw(moments)
            status = draw(st.sampled_from([*STATUSES, "accepted", "declined", "accepted"]))
            wait = draw(st.integers(0, 20 * 24 * 60))
            decided = None
            if status in ("accepted", "declined", "withdrawn") or draw(st.booleans()):
                decided = min(received + timedelta(minutes=wait), LIMIT)
            rows["referrals.csv"].append(
                {
                    "referral_ref": ref("F"),
                    # A referral without a person is the team's (not yet a client).
                    "person_ref": person if draw(st.integers(0, 3)) else "",
                    "received_at": moment_cell(received),
                    "source": draw(st.sampled_from(SOURCES)),
                    "status": status,
                    "decided_at": moment_cell(decided) if decided else "",
                }
            )
        for _ in range(draw(st.integers(0, 2))):
            rows["careplan_reviews.csv"].append(
                {"review_ref": ref("V"), "person_ref": person, "agreed_on": iso(draw(days))}
            )
        for instrument, most in (("mansa", 4), ("dialog", 1)):
            # One assessment of an instrument per person and day.
            for day in sorted(draw(st.sets(days, max_size=most))):
                score = draw(
                    st.one_of(
                        st.none(),
                        st.integers(100, 700).map(lambda s: f"{s / 100:.2f}"),
                        st.sampled_from(["4", "3.1234", "6.5"]),
                    )
                )
                rows["assessments.csv"].append(
                    {
                        "assessment_ref": ref("Q"),
                        "person_ref": person,
                        "instrument": instrument,
                        "assessed_on": iso(day),
                        "score": score or "",
                    }
                )
    return rows


OPTIONAL_COLUMNS = {"advance_statement_upheld", "agency_kind"}


def without_optional_columns(
    files: dict[str, dict[str, list[dict[str, str]]]],
) -> dict[str, dict[str, list[dict[str, str]]]]:
    """The same rows with the optional columns of IMPORT_FORMAT.md left out."""
    return {
        team: {
            name: [{k: v for k, v in row.items() if k not in OPTIONAL_COLUMNS} for row in rows]
            for name, rows in team_rows.items()
        }
        for team, team_rows in files.items()
    }


def write_dir(
    directory: Path, rows: dict[str, list[dict[str, str]]], order: list[int], headers_only: bool
) -> None:
    """Write the files, columns in a drawn order, RFC 4180 quoting; an optional file without rows
    is left out, or (`headers_only`) written with its header row only. An optional column is
    written when the rows have it."""
    for name, all_columns in COLUMNS.items():
        columns = [
            c for c in all_columns if c not in OPTIONAL_COLUMNS or any(c in r for r in rows[name])
        ]
        if not rows[name] and name != "people.csv" and not headers_only:
            continue
        shuffled = [columns[i] for i in order if i < len(columns)]
        with (directory / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=shuffled, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows[name])


@pytest.mark.django_db(transaction=False)
@hsettings(
    # 25 in the suite (about 4 s an example); `make property` (a CI step) runs Hypothesis's 100.
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_imported_caseload_matches_reference(drawn):
    period = drawn.draw(st.sampled_from(PERIODS), label="period")
    p = Period.parse(period)
    slugs = ["a", "b"] if drawn.draw(st.booleans(), label="two teams") else ["a"]
    files = {slug: drawn.draw(team_files(p), label=f"files of team {slug}") for slug in slugs}
    order = drawn.draw(st.permutations(range(9)), label="column order")
    twice = drawn.draw(st.integers(0, 3), label="import twice") == 0
    headers_only = drawn.draw(st.booleans(), label="header-only files")
    if not drawn.draw(st.booleans(), label="optional columns"):
        files = without_optional_columns(files)
    data = caseload_from_rows(files, settings.TIME_ZONE)
    with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
        for slug in slugs:
            directory = Path(tmp) / slug
            directory.mkdir()
            write_dir(directory, files[slug], order, headers_only)
            import_dir(directory, slug, "north", origin=make_origin())
            if twice:
                # Importing the same files again changes nothing.
                import_dir(directory, slug, "north", origin=make_origin())
        scopes = [(Scope.everything(), None), (Scope.municipality("north"), set(slugs))]
        scopes += [(Scope.team(slug), {slug}) for slug in slugs]
        for scope, team_set in scopes:
            got = engine.compute(p, scope)
            today = localdate()
            want = reference(
                data, p.first, p.as_of(today), team_set, settings.TIME_ZONE, today=today
            )
            assert differences(got, want) == [], (str(scope), period)
        transaction.set_rollback(True)
