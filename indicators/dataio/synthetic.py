"""A realistic synthetic caseload, deterministic for a seed, generated and written in chunks.

Each client's history comes from its own random stream (seed, client number), so the data do not
depend on the chunk size and memory stays flat in the number of clients. The same history is
written either into the database (bulk inserts; COPY on PostgreSQL) or as CSV files in the
import format (IMPORT_FORMAT.md).
"""

from __future__ import annotations

import csv
import gc
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from careplans.models import Assessment, Instrument, PlanAgreement
from indicators.dataio.importer import FILES, MANSA_ITEMS, MANSA_SCORING, OPTIONAL, copy_rows
from outreach import audit
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
    Municipality,
    Relapse,
    Role,
    Team,
    User,
)
from outreach.origin import Origin
from outreach.search import client_keys
from referrals.models import Referral

CHUNK = 500  # clients per chunk
STAFF_PER_TEAM = 12
ANCHOR = date(2026, 11, 1)  # the newest date generated (or today, if earlier)

# Agency → its kind in the municipality's directory ("" for a one-off agency, counted as other).
AGENCIES = (
    ("Social assistance directorate", "social_assistance"),
    ("Labour office", "employment"),
    ("Civil registry", "benefits_and_documents"),
    ("Housing department", "housing"),
    ("Health insurance fund", "health"),
    ("Municipal shelter", "housing"),
    ("Neighbourhood parish", ""),
)
ADVANCE_STATEMENT = (("", 40), ("none", 25), ("yes", 15), ("partly", 8), ("no", 7), ("unknown", 5))
ADVERSE_EVENTS = (
    ("self_harm", 30),
    ("suicide_attempt", 10),
    ("death", 3),
    ("police_involvement", 30),
    ("arrest", 10),
    ("eviction", 17),
)
SOURCES = (
    ("hospital", 25),
    ("psychiatrist", 15),
    ("social_services", 15),
    ("municipality", 10),
    ("gp", 8),
    ("police", 5),
    ("ngo", 10),
    ("family", 7),
    ("self", 3),
    ("other", 2),
)
GIVEN = {
    "female": ("Maria", "Ivana", "Elena", "Petya", "Desislava", "Gergana", "Nadezhda", "Radka"),
    "male": ("Ivan", "Georgi", "Dimitar", "Nikolay", "Petar", "Stoyan", "Hristo", "Vasil"),
}
FAMILY = ("Ivanov", "Georgiev", "Dimitrov", "Petrov", "Nikolov", "Stoyanov", "Todorov", "Kolev")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


@dataclass
class Person:
    """One synthetic client's whole history, with plain values (refs, dates, local datetimes)."""

    index: int
    team: int
    ref: str
    given_name: str
    family_name: str
    birth_date: date | None
    sex: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class Generator:
    """Make people one by one; `person(i)` is the same for the same seed and i."""

    def __init__(self, *, seed: int, teams: int, anchor: date | None = None) -> None:
        self.seed = seed
        self.teams = teams
        self.anchor = min(anchor or ANCHOR, timezone.localdate() - timedelta(days=1))
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def staff_refs(self, team: int) -> list[tuple[str, str]]:
        """(ref, role) of the staff of one team: professionals, peers and a supervisor."""
        roles = [Role.PROFESSIONAL, Role.PEER] * (STAFF_PER_TEAM // 2)
        roles[-1] = Role.SUPERVISOR
        return [(f"s{team}-{k}", str(role)) for k, role in enumerate(roles)]

    def at(self, rng: random.Random, day: date) -> datetime:
        """A local daytime moment on a day (08:00–19:59: never skipped or repeated by DST)."""
        return datetime.combine(
            day, time(rng.randint(8, 19), rng.choice((0, 15, 30, 45))), tzinfo=self.tz
        )

    def person(self, i: int) -> Person:
        rng = random.Random(self.seed * 1_000_003 + i)  # noqa: S311 - synthetic data, not secrets
        anchor = self.anchor
        team = i % self.teams
        sex = _pick(rng, (("female", 40), ("male", 55), ("other", 2), ("unknown", 3)))
        names = GIVEN.get(sex, GIVEN["female"] + GIVEN["male"])
        birth = None
        if rng.random() > 0.05:
            birth = anchor - timedelta(days=rng.randint(18 * 365, 75 * 365))
        p = Person(
            index=i,
            team=team,
            ref=f"p{i}",
            given_name=rng.choice(names),
            family_name=rng.choice(FAMILY) + ("a" if sex == "female" else ""),
            birth_date=birth,
            sex=sex,
        )
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in FILES}
        p.rows = rows
        staff = self.staff_refs(team)
        ref = 0

        def nref(prefix: str) -> str:
            nonlocal ref
            ref += 1
            return f"{prefix}{i}-{ref}"

        # Episodes: one, sometimes a second after a gap; ~2 years of history in all.
        episodes: list[tuple[date, date | None]] = []
        start = anchor - timedelta(days=rng.randint(60, 1000))
        while start <= anchor and len(episodes) < 2:
            length = rng.randint(90, 900)
            end = start + timedelta(days=length)
            if end >= anchor or rng.random() < 0.5:
                end = None if end >= anchor else end
            episodes.append((start, end))
            if end is None:
                break
            start = end + timedelta(days=rng.randint(60, 400))
        first_start = episodes[0][0]
        last_day = anchor

        for start, end in episodes:
            received = start - timedelta(days=rng.randint(3, 45))
            received_at = self.at(rng, received)
            decided_at = self.at(rng, received + timedelta(days=rng.randint(1, 20)))
            if decided_at.date() > start:
                decided_at = self.at(rng, start) if start > received else received_at
            if decided_at < received_at:
                decided_at = received_at + timedelta(hours=1)
            rows["referrals.csv"].append(
                {
                    "referral_ref": nref("r"),
                    "person_ref": p.ref,
                    "received_at": received_at,
                    "source": _pick(rng, SOURCES),
                    "status": "accepted",
                    "decided_at": decided_at,
                }
            )
            reason = ""
            if end is not None:
                reason = _pick(
                    rng,
                    (
                        ("goals_met", 35),
                        ("transferred", 15),
                        ("moved_away", 10),
                        ("client_ended", 10),
                        ("disengaged", 15),
                        ("declined_service", 5),
                        ("died", 3),
                        ("other", 7),
                    ),
                )
            rows["episodes.csv"].append(
                {
                    "episode_ref": nref("e"),
                    "person_ref": p.ref,
                    "started_on": start,
                    "ended_on": end,
                    "discharge_reason": reason,
                }
            )
            stop = end or last_day
            # Plan agreements: first within a month, then about every 3 months.
            day = start + timedelta(days=rng.randint(3, 30))
            while day <= stop:
                rows["careplan_reviews.csv"].append(
                    {"review_ref": nref("a"), "person_ref": p.ref, "agreed_on": day}
                )
                day += timedelta(days=rng.randint(75, 105))
            # MANSA: baseline, then every 3 months, drifting slowly upwards.
            day = start + timedelta(days=rng.randint(0, 14))
            score = rng.uniform(2.5, 4.5)
            while day <= stop:
                rows["assessments.csv"].append(
                    {
                        "assessment_ref": nref("m"),
                        "person_ref": p.ref,
                        "instrument": "mansa",
                        "assessed_on": day,
                        "score": Decimal(f"{min(7.0, max(1.0, score)):.4f}"),
                    }
                )
                score += rng.gauss(0.1, 0.3)
                day += timedelta(days=rng.randint(85, 100))

        # A referral that was declined earlier, for some.
        if rng.random() < 0.1:
            received = first_start - timedelta(days=rng.randint(100, 500))
            received_at = self.at(rng, received)
            rows["referrals.csv"].append(
                {
                    "referral_ref": nref("r"),
                    "person_ref": p.ref,
                    "received_at": received_at,
                    "source": _pick(rng, SOURCES),
                    "status": "declined",
                    "decided_at": received_at + timedelta(days=rng.randint(1, 15)),
                }
            )

        # Contacts: about 100, from shortly before intake to the end of the last episode.
        span_start = first_start - timedelta(days=rng.randint(0, 20))
        span_end = episodes[-1][1] or last_day
        span = max(1, (span_end - span_start).days)
        n_contacts = max(5, min(260, int(rng.gauss(100, 30))))
        offsets = sorted(rng.randrange(span + 1) for _ in range(n_contacts))
        for off in offsets:
            mode = _pick(rng, (("face_to_face", 72), ("phone", 18), ("video", 4), ("message", 6)))
            outcome = "met" if rng.random() < 0.85 else "not_met"
            location = ""
            if mode == "face_to_face":
                location = _pick(
                    rng,
                    (
                        ("client_home", 40),
                        ("street", 20),
                        ("hospital", 8),
                        ("team_office", 17),
                        ("other_service", 10),
                        ("other", 5),
                    ),
                )
            n_staff = 1 if rng.random() < 0.6 else 2
            rows["contacts.csv"].append(
                {
                    "contact_ref": nref("c"),
                    "person_ref": p.ref,
                    "started_at": self.at(rng, span_start + timedelta(days=off)),
                    "duration_minutes": rng.choice((5, 10, 15, 20, 30, 45, 60, 90, 120)),
                    "mode": mode,
                    "location": location,
                    "outcome": outcome,
                    "staff_refs": [s[0] for s in rng.sample(staff[:-1], n_staff)],
                    "informal_support_present": rng.random() < 0.12,
                }
            )

        # Hospital: some pre-intake history, some stays during care.
        stays: list[tuple[date, date | None, str]] = []
        if rng.random() < 0.35:
            day = first_start - timedelta(days=rng.randint(30, 360))
            stays.append((day, day + timedelta(days=rng.randint(5, 25)), ""))
        n_stays = rng.choices((0, 1, 2, 3), (50, 30, 14, 6))[0]
        for _ in range(n_stays):
            day = first_start + timedelta(days=rng.randint(0, max(1, span)))
            if day > last_day:
                continue
            end = day + timedelta(days=rng.randint(2, 45))
            stays.append((day, None if end > last_day else end, ""))
        stays.sort(key=lambda s: (s[0], s[1] or date.max))
        kept_end = date.min
        for adm, dis, __ in stays:
            if adm <= kept_end:
                continue
            kept_end = dis or date.max
            legal = "involuntary" if rng.random() < 0.3 else "voluntary"
            rows["hospital_stays.csv"].append(
                {
                    "stay_ref": nref("h"),
                    "person_ref": p.ref,
                    "admitted_on": adm,
                    "discharged_on": dis,
                    "legal_status": legal,
                    "advance_statement_upheld": _pick(rng, ADVANCE_STATEMENT),
                }
            )
            if legal == "involuntary" and rng.random() < 0.4:
                started = self.at(rng, adm)
                debrief = started.date() + timedelta(days=rng.randint(0, 30))
                rows["coercive_measures.csv"].append(
                    {
                        "measure_ref": nref("k"),
                        "person_ref": p.ref,
                        "started_at": started,
                        "kind": rng.choice(CoerciveMeasure.Kind.values),
                        "debriefed_on": debrief
                        if rng.random() < 0.7 and debrief <= last_day
                        else None,
                    }
                )

        years = span / 365
        for _ in range(self._poisson(rng, 0.8 * years)):
            rows["relapses.csv"].append(
                {
                    "relapse_ref": nref("l"),
                    "person_ref": p.ref,
                    "onset_on": span_start + timedelta(days=rng.randint(0, span)),
                }
            )
        for _ in range(self._poisson(rng, 1.0 * years)):
            reported = self.at(rng, span_start + timedelta(days=rng.randint(0, span)))
            response = None
            if rng.random() < 0.9:
                # Elapsed time, in UTC: the answer may fall in a night with a clock change.
                elapsed = timedelta(minutes=rng.randint(20, 48 * 60))
                response = (reported.astimezone(UTC) + elapsed).astimezone(self.tz)
                if response.date() > last_day:
                    response = None
            rows["crises.csv"].append(
                {
                    "crisis_ref": nref("x"),
                    "person_ref": p.ref,
                    "reported_at": reported,
                    "first_response_at": response,
                }
            )
        for _ in range(self._poisson(rng, 0.4 * years)):
            rows["adverse_events.csv"].append(
                {
                    "event_ref": nref("a"),
                    "person_ref": p.ref,
                    "kind": _pick(rng, ADVERSE_EVENTS),
                    "occurred_on": span_start + timedelta(days=rng.randint(0, span)),
                }
            )
        for _ in range(self._poisson(rng, 2.0 * years)):
            sent = span_start + timedelta(days=rng.randint(0, span))
            responded = sent + timedelta(days=rng.randint(1, 60))
            agency, agency_kind = rng.choice(AGENCIES)
            rows["agency_requests.csv"].append(
                {
                    "request_ref": nref("g"),
                    "person_ref": p.ref,
                    "agency": agency,
                    "agency_kind": agency_kind,
                    "sent_on": sent,
                    "responded_on": responded
                    if rng.random() < 0.7 and responded <= last_day
                    else None,
                }
            )
        for _ in range(rng.choices((0, 1, 2, 3), (40, 35, 18, 7))[0]):
            rows["milestones.csv"].append(
                {
                    "milestone_ref": nref("t"),
                    "person_ref": p.ref,
                    "kind": rng.choice(Milestone.Kind.values),
                    "achieved_on": first_start + timedelta(days=rng.randint(0, span)),
                }
            )
        return p

    @staticmethod
    def _poisson(rng: random.Random, lam: float) -> int:
        limit, k, prod = math.exp(-lam), 0, rng.random()
        while prod > limit:
            k += 1
            prod *= rng.random()
        return k

    def chunks(self, n_clients: int, size: int = CHUNK) -> Iterator[list[Person]]:
        for first in range(0, n_clients, size):
            yield [self.person(i) for i in range(first, min(n_clients, first + size))]


# --- CSV output (the import format) -----------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        # Daytime as local wall time (the usual spreadsheet); night-time, where a clock change
        # could make the wall time ambiguous, with its offset.
        if 5 <= value.hour <= 23:
            value = value.replace(tzinfo=None)
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_csv(directory: str | Path, *, clients: int, seed: int, teams: int = 1) -> dict[str, int]:
    """Write the caseload as import files (all teams' people in one set); return rows per file."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed=seed, teams=teams)
    counts = dict.fromkeys(FILES, 0)
    handles = {name: (out / name).open("w", newline="", encoding="utf-8") for name in FILES}
    try:
        writers = {name: csv.writer(h) for name, h in handles.items()}
        for name, columns in FILES.items():
            writers[name].writerow([*columns, *OPTIONAL.get(name, ())])
        for t in range(teams):
            for ref, role in gen.staff_refs(t):
                writers["staff.csv"].writerow([ref, "Staff", ref.upper(), role, ""])
                counts["staff.csv"] += 1
        for chunk in gen.chunks(clients):
            for p in chunk:
                writers["people.csv"].writerow(
                    [p.ref, p.given_name, p.family_name, _cell(p.birth_date), p.sex]
                )
                counts["people.csv"] += 1
                for name, rows in p.rows.items():
                    if name == "people.csv":
                        continue
                    columns = [*FILES[name], *OPTIONAL.get(name, ())]
                    w = writers[name]
                    for row in rows:
                        w.writerow([_cell(row[c]) for c in columns])
                    counts[name] += len(rows)
    finally:
        for h in handles.values():
            h.close()
    return counts


# --- database output --------------------------------------------------------------------------


class _Table:
    """Rows for one model as dicts of column values, flushed by COPY or bulk_create."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        # Fields with a callable default (e.g. a JSONField's dict): a fresh value per row.
        self.dynamic: list[models.Field] = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and callable(f.default):
                self.dynamic.append(f)
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField):
                self.defaults[f.attname] = ""
        self.rows: list[dict[str, Any]] = []
        self.count = 0

    def add(self, **values: Any) -> None:
        self.rows.append(values)

    def flush(self, ids: _Ids) -> list[dict[str, Any]]:
        """Write the pending rows; return them with their ids."""
        rows, self.rows = self.rows, []
        if not rows:
            return rows
        self.count += len(rows)
        if connection.vendor == "postgresql":
            for row in rows:
                if "id" not in row:
                    row["id"] = ids.next(self.model)
            self._copy(rows)
        else:
            objs = [
                self.model(**{**self.defaults, **{k: v for k, v in row.items() if k[0] != "_"}})
                for row in rows
            ]
            self.model.objects.bulk_create(objs, batch_size=1000)
            for row, obj in zip(rows, objs, strict=True):
                row["id"] = obj.pk
        return rows

    def _copy(self, rows: list[dict[str, Any]]) -> None:
        table = self.model._meta.db_table
        fields = self.fields
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        names = [f.attname for f in fields]
        json_names = {f.attname for f in fields if isinstance(f, models.JSONField)}
        lines = []
        for row in rows:
            values = {**self.defaults, **row}
            for f in self.dynamic:
                if f.attname not in values:
                    values[f.attname] = f.get_default()
            for name in json_names:
                values[name] = json.dumps(values[name])
            lines.append([values[n] for n in names])
        with connection.cursor() as cursor:
            copy_rows(cursor.cursor, f"COPY {table} ({cols}) FROM STDIN", lines)


class _Ids:
    """Reserve primary keys from PostgreSQL sequences in blocks, so rows can refer to each other."""

    def __init__(self) -> None:
        self.pool: dict[type[models.Model], list[int]] = {}

    def next(self, model: type[models.Model]) -> int:
        pool = self.pool.setdefault(model, [])
        if not pool:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, 20000)",
                    [table],
                )
                pool.extend(r[0] for r in reversed(cursor.fetchall()))
        return pool.pop()


def _aware(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _mansa() -> Instrument:
    candidates = list(Instrument.objects.filter(code="mansa").order_by("-id"))
    if candidates:
        return candidates[0]
    return Instrument.objects.create(
        code="mansa",
        version="1",
        name="Manchester Short Assessment of Quality of Life (MANSA)",
        items=MANSA_ITEMS,
        scoring=MANSA_SCORING,
    )


def write_db(
    *, clients: int, seed: int, origin: Origin, teams: int = 1, log: Any = None
) -> dict[str, int]:
    """Write the caseload straight into the database, chunk by chunk; return rows per table."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # many small dicts, no cycles: see indicators.dataio.importer.import_dir
    try:
        return _write_db(clients=clients, seed=seed, teams=teams, log=log, origin=origin)
    finally:
        if gc_was_enabled:
            gc.enable()


def _write_db(*, clients: int, seed: int, teams: int, log: Any, origin: Origin) -> dict[str, int]:
    gen = Generator(seed=seed, teams=teams)
    tz = gen.tz
    ids = _Ids()
    with transaction.atomic():
        municipality, __ = Municipality.objects.get_or_create(
            slug=f"synthetic-{seed}", defaults={"name": f"Synthetic {seed}"}
        )
        team_objs = [
            Team.objects.create(
                municipality=municipality,
                slug=f"synthetic-{seed}-{t}",
                name=f"Synthetic {seed}/{t}",
            )
            for t in range(teams)
        ]
        password = make_password(None)
        staff_pk: dict[str, int] = {}
        for t, team in enumerate(team_objs):
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"synthetic-{seed}-{ref}",
                        first_name="Staff",
                        last_name=ref.upper(),
                        role=role,
                        password=password,
                        source_ref=ref,
                    )
                    for ref, role in gen.staff_refs(t)
                ]
            )
            User.teams.through.objects.bulk_create(
                [User.teams.through(user_id=u.pk, team_id=team.pk) for u in users]
            )
            staff_pk.update({u.source_ref: u.pk for u in users})
        mansa = _mansa()
        directory = {
            name: Agency.objects.get_or_create(
                municipality=municipality, name=name, defaults={"kind": kind}
            )[0].pk
            for name, kind in AGENCIES
            if kind
        }
    tables = {
        m: _Table(m)
        for m in (
            Client,
            Referral,
            Episode,
            Contact,
            Contact.staff.through,
            HospitalStay,
            Relapse,
            Crisis,
            PlanAgreement,
            Assessment,
            CoerciveMeasure,
            AgencyRequest,
            Milestone,
            AdverseEvent,
        )
    }
    code_mult = 0x5BD1E995 | 1
    code_offset = (seed * 0x9E3779B1) % 32**8
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

    def client_code(i: int) -> str:
        n = (i * code_mult + code_offset) % 32**8
        return "C-" + "".join(alphabet[(n >> (5 * k)) & 31] for k in range(8))

    done = 0
    for chunk in gen.chunks(clients):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Generated data can be regenerated: no need to wait for each flush to disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for p in chunk:
                code = client_code(p.index)
                tables[Client].add(
                    team_id=team_objs[p.team].pk,
                    code=code,
                    given_name=p.given_name,
                    family_name=p.family_name,
                    birth_date=p.birth_date,
                    sex=p.sex,
                    source_ref=p.ref,
                    **client_keys(
                        given_name=p.given_name,
                        family_name=p.family_name,
                        known_as="",
                        code=code,
                        phone="",
                    ),
                )
            client_rows = tables[Client].flush(ids)
            for p, row in zip(chunk, client_rows, strict=True):
                _add_person(
                    tables, p, row, team_objs[p.team], staff_pk, mansa.pk, tz, ids, directory
                )
            for row in tables[Contact].flush(ids):
                for uid in row.get("_staff", ()):
                    tables[Contact.staff.through].add(contact_id=row["id"], user_id=uid)
            for table in tables.values():
                table.flush(ids)
        done += len(chunk)
        if log:
            log(f"{done}/{clients} clients")
    with transaction.atomic():
        counts = {m._meta.label: t.count for m, t in tables.items()}
        audit.record(
            action="caseload.generate",
            origin=origin,
            detail={"seed": seed, "clients": clients, "teams": teams, "rows": counts},
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return counts


def _add_person(
    tables: dict[type[models.Model], _Table],
    p: Person,
    client_row: dict[str, Any],
    team: Team,
    staff_pk: dict[str, int],
    mansa_pk: int,
    tz: ZoneInfo,
    ids: _Ids,
    directory: dict[str, int],
) -> None:
    cid = client_row["id"]
    r = p.rows
    for row in r["referrals.csv"]:
        tables[Referral].add(
            municipality_id=team.municipality_id,
            team_id=team.pk,
            client_id=cid,
            received_at=_aware(row["received_at"], tz),
            source=row["source"],
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            sex=p.sex,
            status=row["status"],
            decided_at=_aware(row["decided_at"], tz),
        )
    first_start = min(e["started_on"] for e in r["episodes.csv"])
    for row in r["episodes.csv"]:
        tables[Episode].add(
            client_id=cid,
            started_on=row["started_on"],
            ended_on=row["ended_on"],
            discharge_reason=row["discharge_reason"],
        )
    contacts, through = tables[Contact], tables[Contact.staff.through]
    is_pg = connection.vendor == "postgresql"
    for row in r["contacts.csv"]:
        values = {
            "client_id": cid,
            "started_at": _aware(row["started_at"], tz),
            "duration_minutes": row["duration_minutes"],
            "mode": row["mode"],
            "location": row["location"],
            "outcome": row["outcome"],
            "informal_support_present": row["informal_support_present"],
        }
        if is_pg:
            values["id"] = ids.next(Contact)
            contacts.add(**values)
            for ref in row["staff_refs"]:
                through.add(contact_id=values["id"], user_id=staff_pk[ref])
        else:
            values["_staff"] = [staff_pk[ref] for ref in row["staff_refs"]]
            contacts.add(**values)
    for row in r["hospital_stays.csv"]:
        tables[HospitalStay].add(
            client_id=cid,
            admitted_on=row["admitted_on"],
            discharged_on=row["discharged_on"],
            legal_status=row["legal_status"],
            pre_intake=row["admitted_on"] < first_start,
            advance_statement_upheld=row["advance_statement_upheld"],
        )
    for row in r["relapses.csv"]:
        tables[Relapse].add(client_id=cid, onset_on=row["onset_on"])
    for row in r["crises.csv"]:
        tables[Crisis].add(
            client_id=cid,
            reported_at=_aware(row["reported_at"], tz),
            first_response_at=_aware(row["first_response_at"], tz),
        )
    first_agreed = min((a["agreed_on"] for a in r["careplan_reviews.csv"]), default=None)
    for row in r["careplan_reviews.csv"]:
        tables[PlanAgreement].add(
            client_id=cid,
            agreed_on=row["agreed_on"],
            kind="first" if row["agreed_on"] == first_agreed else "review",
        )
    for row in r["assessments.csv"]:
        tables[Assessment].add(
            client_id=cid,
            instrument_id=mansa_pk,
            assessed_on=row["assessed_on"],
            score=row["score"],
            answers={},
            scores={},
        )
    for row in r["coercive_measures.csv"]:
        tables[CoerciveMeasure].add(
            client_id=cid,
            started_at=_aware(row["started_at"], tz),
            kind=row["kind"],
            debriefed_on=row["debriefed_on"],
        )
    for row in r["agency_requests.csv"]:
        tables[AgencyRequest].add(
            client_id=cid,
            agency=row["agency"],
            listed_agency_id=directory.get(row["agency"]) if row["agency_kind"] else None,
            sent_on=row["sent_on"],
            responded_on=row["responded_on"],
        )
    for row in r["adverse_events.csv"]:
        tables[AdverseEvent].add(client_id=cid, kind=row["kind"], occurred_on=row["occurred_on"])
    for row in r["milestones.csv"]:
        tables[Milestone].add(client_id=cid, kind=row["kind"], achieved_on=row["achieved_on"])
