"""Caseload import: read the CSV files of IMPORT_FORMAT.md into one team, in one transaction.

Parsing and validation happen in Python (``parse_dir``); writing is bulk (``import_dir``), so
model ``save()`` logic is skipped and the model rules are checked here instead.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from careplans.models import Assessment, Instrument, PlanAgreement
from indicators import planner
from outreach import audit
from outreach.dates import (
    FUTURE_DATE,
    FUTURE_TIME,
    is_future_date,
    is_future_time,
    stays_overlap,
)
from outreach.models import (
    CONTACT_MINUTES,
    AdvanceStatementUpheld,
    AdverseEvent,
    Agency,
    AgencyKind,
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    DischargeReason,
    Episode,
    HospitalStay,
    LegalStatus,
    Milestone,
    Municipality,
    Relapse,
    Role,
    Sex,
    Team,
    User,
    new_client_code,
)
from outreach.origin import Origin
from outreach.search import client_keys
from referrals.models import Referral
from referrals.models import Source as ReferralSource
from referrals.models import Status as ReferralStatus

BATCH = 2000

# File → its columns, in the order of IMPORT_FORMAT.md (the order in a file is free).
FILES: dict[str, tuple[str, ...]] = {
    "people.csv": ("person_ref", "given_name", "family_name", "birth_date", "sex"),
    "staff.csv": ("staff_ref", "given_name", "family_name", "role", "email"),
    "referrals.csv": (
        "referral_ref",
        "person_ref",
        "received_at",
        "source",
        "status",
        "decided_at",
    ),
    "episodes.csv": ("episode_ref", "person_ref", "started_on", "ended_on", "discharge_reason"),
    "contacts.csv": (
        "contact_ref",
        "person_ref",
        "started_at",
        "duration_minutes",
        "mode",
        "location",
        "outcome",
        "staff_refs",
        "informal_support_present",
    ),
    "hospital_stays.csv": (
        "stay_ref",
        "person_ref",
        "admitted_on",
        "discharged_on",
        "legal_status",
    ),
    "relapses.csv": ("relapse_ref", "person_ref", "onset_on"),
    "crises.csv": ("crisis_ref", "person_ref", "reported_at", "first_response_at"),
    "careplan_reviews.csv": ("review_ref", "person_ref", "agreed_on"),
    "assessments.csv": ("assessment_ref", "person_ref", "instrument", "assessed_on", "score"),
    "coercive_measures.csv": ("measure_ref", "person_ref", "started_at", "kind", "debriefed_on"),
    "agency_requests.csv": ("request_ref", "person_ref", "agency", "sent_on", "responded_on"),
    "adverse_events.csv": ("event_ref", "person_ref", "kind", "occurred_on"),
    "milestones.csv": ("milestone_ref", "person_ref", "kind", "achieved_on"),
}
# Columns a file may have or leave out. A column left out leaves that field of the records an
# earlier import wrote as it is (an import without it never wipes what was recorded in the app).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "hospital_stays.csv": ("advance_statement_upheld",),
    "agency_requests.csv": ("agency_kind",),
}
REQUIRED_FILES = ("people.csv",)
STAFF_ROLES = tuple(
    str(r) for r in (Role.PROFESSIONAL, Role.PEER, Role.SUPERVISOR, Role.COORDINATOR)
)
SEXES = tuple(Sex.values)
REFERRAL_SOURCES = tuple(ReferralSource.values)
REFERRAL_STATUSES = tuple(ReferralStatus.values)
DISCHARGE_REASONS = tuple(DischargeReason.values)
CONTACT_MODES = tuple(Contact.Mode.values)
CONTACT_LOCATIONS = tuple(Contact.Location.values)
CONTACT_OUTCOMES = tuple(Contact.Outcome.values)
LEGAL_STATUSES = tuple(LegalStatus.values)
COERCION_KINDS = tuple(CoerciveMeasure.Kind.values)
MILESTONE_KINDS = tuple(Milestone.Kind.values)
ADVANCE_STATEMENT_ANSWERS = tuple(AdvanceStatementUpheld.values)
ADVERSE_EVENT_KINDS = tuple(AdverseEvent.Kind.values)
AGENCY_KINDS = tuple(AgencyKind.values)

# Kept unformatted (fmt: skip at its end): one item of the instrument per line, as printed.
MANSA_ITEMS = [
    {"code": "life_as_a_whole", "text": "How satisfied are you with your life as a whole today?"},
    {"code": "job", "text": "How satisfied are you with your job (or sheltered employment)?"},
    {"code": "finances", "text": "How satisfied are you with your financial situation?"},
    {"code": "friendships", "text": "How satisfied are you with the number and quality of your friendships?"},
    {"code": "leisure", "text": "How satisfied are you with your leisure activities?"},
    {"code": "accommodation", "text": "How satisfied are you with your accommodation?"},
    {"code": "safety", "text": "How satisfied are you with your personal safety?"},
    {"code": "living_with", "text": "How satisfied are you with the people you live with (or living alone)?"},
    {"code": "sex_life", "text": "How satisfied are you with your sex life?"},
    {"code": "family", "text": "How satisfied are you with your relationship with your family?"},
    {"code": "physical_health", "text": "How satisfied are you with your physical health?"},
    {"code": "mental_health", "text": "How satisfied are you with your mental health?"},
]  # fmt: skip
MANSA_SCORING = {"method": "mean", "min": 1, "max": 7, "items": [i["code"] for i in MANSA_ITEMS]}

_INT_RE = re.compile(r"[+-]?[0-9]+")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ImportFailed(Exception):  # noqa: N818 - the name the brief asks for
    """The files are invalid; nothing was written. ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError | str]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportResult:
    team: Team
    team_created: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    # The tables the import wrote to (created, updated or linked rows): analysed afterwards.
    tables: set[str] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "team": self.team.slug,
            "team_created": self.team_created,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


# --- parsing ---------------------------------------------------------------------------------


@dataclass
class Record:
    """One valid-so-far row: its line, its ref, its parsed values."""

    line: int
    ref: str
    values: dict[str, Any]


class _Row:
    """Parse the cells of one row, collecting errors instead of raising."""

    __slots__ = ("cells", "errors", "file", "line", "ok", "parser")

    def __init__(self, parser: Parser, file: str, line: int, cells: dict[str, str]) -> None:
        self.parser = parser
        self.file = file
        self.line = line
        self.cells = cells
        self.ok = True

    def error(self, column: str, message: str) -> None:
        self.ok = False
        self.parser.errors.append(RowError(self.file, self.line, column, message))

    def _raw(self, column: str, required: bool) -> str | None:
        value = self.cells[column]
        if value == "":
            if required:
                self.error(column, _("a value is required"))
            return None
        return value

    def text(self, column: str, *, required: bool = True, max_length: int = 100) -> str:
        value = self._raw(column, required)
        if value is None:
            return ""
        if len(value) > max_length:
            self.error(column, _("at most %(n)d characters") % {"n": max_length})
        return value

    def enum(self, column: str, allowed: tuple[str, ...], *, required: bool = True) -> str:
        value = self._raw(column, required)
        if value is None:
            return ""
        if value not in allowed:
            self.error(
                column,
                _("unknown value “%(value)s” (expected one of: %(allowed)s)")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
            return ""
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self._raw(column, required)
        if value is None:
            return None
        try:
            if not _DATE_RE.match(value):
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            self.error(column, _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value})
            return None
        if is_future_date(parsed, self.parser.today):
            self.error(column, f"“{value}”: {FUTURE_DATE}")
            return None
        return parsed

    def datetime(self, column: str, *, required: bool = True) -> datetime | None:
        value = self._raw(column, required)
        if value is None:
            return None
        # Spreadsheets repeat the same moments (whole quarters of an hour): parse each once.
        cache = self.parser.datetimes
        hit = cache.get(value)
        if hit is not None:
            return hit
        try:
            if not _DATETIME_RE.match(value):
                raise ValueError
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(
                column,
                _("“%(value)s” is not a date and time (YYYY-MM-DDTHH:MM[:SS][±HH:MM])")
                % {"value": value},
            )
            return None
        if parsed.tzinfo is None:
            parsed = self.parser.localize(parsed)
            if parsed is None:
                self.error(
                    column,
                    _("%(value)s does not exist in %(tz)s (skipped by a clock change)")
                    % {"value": value, "tz": self.parser.tz_name},
                )
                return None
        if is_future_time(parsed, self.parser.now):
            self.error(column, f"“{value}”: {FUTURE_TIME}")
            return None
        cache[value] = parsed
        return parsed

    def integer(self, column: str, low: int, high: int) -> int | None:
        value = self._raw(column, True)
        if value is None:
            return None
        try:
            if not (value.isdigit() and value.isascii()) and not _INT_RE.fullmatch(value):
                raise ValueError
            parsed = int(value)
        except ValueError:
            self.error(column, _("“%(value)s” is not a whole number") % {"value": value})
            return None
        if not low <= parsed <= high:
            self.error(
                column,
                _("%(value)s is outside %(low)d–%(high)d")
                % {"value": parsed, "low": low, "high": high},
            )
            return None
        return parsed

    def boolean(self, column: str) -> bool:
        value = self.cells[column]
        if value == "true":
            return True
        if value in ("false", ""):
            return False
        self.error(column, _("“%(value)s” is not true or false") % {"value": value})
        return False

    def decimal(self, column: str, *, max_digits: int = 8, places: int = 4) -> Decimal | None:
        value = self._raw(column, False)
        if value is None:
            return None
        try:
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
                raise InvalidOperation
            parsed = Decimal(value)
        except InvalidOperation:
            self.error(column, _("“%(value)s” is not a decimal number") % {"value": value})
            return None
        if parsed < 0:
            self.error(column, _("a score cannot be negative"))
            return None
        exponent = parsed.as_tuple().exponent
        assert isinstance(exponent, int)  # noqa: S101 - finite by the regex above
        digits = len(parsed.as_tuple().digits)
        decimals = max(0, -exponent)
        if decimals > places or digits - decimals > max_digits - places:
            self.error(
                column,
                _("at most %(int)d digits before and %(places)d after the decimal point")
                % {"int": max_digits - places, "places": places},
            )
            return None
        return parsed


class Parser:
    """Read and validate the files of one directory; no database access."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        # Every ref of a file, also of rows with errors (so one bad row is reported once).
        self.refs: dict[str, set[str]] = {}
        self.tz_name = settings.TIME_ZONE
        self.tz = ZoneInfo(self.tz_name)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.datetimes: dict[str, datetime] = {}

    def localize(self, naive: datetime) -> datetime | None:
        """Attach TIME_ZONE; None if the wall time was skipped; the earlier offset if repeated."""
        aware = naive.replace(tzinfo=self.tz, fold=0)
        # A skipped wall time does not survive the round trip through UTC.
        if aware.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None) != naive:
            return None
        return aware

    def read(self, directory: Path, name: str) -> list[Record] | None:
        """Return the rows of one file (None if it is absent), each with its values parsed."""
        path = directory / name
        if not path.is_file():
            if name in REQUIRED_FILES:
                self.errors.append(RowError(name, 1, "-", _("the file is missing")))
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.errors.append(RowError(name, line, "-", _("the file is not UTF-8")))
            return None
        columns = FILES[name]
        optional = OPTIONAL.get(name, ())
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records: list[Record] = []
        try:
            header = next(reader, None)
            if header is None:
                self.errors.append(RowError(name, 1, "-", _("the header row is missing")))
                return None
            header_ok = True
            for column in header:
                if column not in columns and column not in optional:
                    self.errors.append(RowError(name, 1, column, _("unknown column")))
                    header_ok = False
                elif header.count(column) > 1:
                    self.errors.append(RowError(name, 1, column, _("duplicate column")))
                    header_ok = False
            for column in columns:
                if column not in header:
                    self.errors.append(RowError(name, 1, column, _("missing column")))
                    header_ok = False
            if not header_ok:
                return None
            width = len(header)
            seen: dict[str, int] = {}
            row_parser = getattr(self, "row_" + name.removesuffix(".csv"))
            ref_column = columns[0]
            line = reader.line_num + 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells:
                    continue
                if len(cells) != width:
                    self.errors.append(
                        RowError(
                            name,
                            start,
                            "-",
                            _("%(found)d fields where the header has %(width)d")
                            % {"found": len(cells), "width": width},
                        )
                    )
                    continue
                row = _Row(self, name, start, dict(zip(header, cells, strict=True)))
                ref = row.text(ref_column)
                if ref and ref in seen:
                    row.error(
                        ref_column,
                        _("“%(ref)s” appears twice (first on line %(line)d)")
                        % {"ref": ref, "line": seen[ref]},
                    )
                elif ref:
                    seen[ref] = start
                values = row_parser(row)
                if row.ok:
                    records.append(Record(start, ref, values))
            self.refs[name] = set(seen)
        except csv.Error as exc:
            self.errors.append(
                RowError(name, reader.line_num, "-", _("malformed CSV: %(e)s") % {"e": exc})
            )
            return None
        return records

    # One method per file: parse the columns and check the rules of one row.

    def row_people(self, row: _Row) -> dict[str, Any]:
        return {
            "given_name": row.text("given_name"),
            "family_name": row.text("family_name", required=False),
            "birth_date": row.date("birth_date", required=False),
            "sex": row.enum("sex", SEXES),
        }

    def row_staff(self, row: _Row) -> dict[str, Any]:
        email = row.text("email", required=False, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", _("“%(value)s” is not an e-mail address") % {"value": email})
        return {
            "first_name": row.text("given_name", required=False, max_length=150),
            "last_name": row.text("family_name", required=False, max_length=150),
            "role": row.enum("role", STAFF_ROLES),
            "email": email,
        }

    def row_referrals(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref", required=False),
            "received_at": row.datetime("received_at"),
            "source": row.enum("source", REFERRAL_SOURCES),
            "status": row.enum("status", REFERRAL_STATUSES),
            "decided_at": row.datetime("decided_at", required=False),
        }
        if values["received_at"] and values["decided_at"]:
            if values["decided_at"] < values["received_at"]:
                row.error("decided_at", _("the decision is before the referral was received"))
        return values

    def row_episodes(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "started_on": row.date("started_on"),
            "ended_on": row.date("ended_on", required=False),
            "discharge_reason": row.enum("discharge_reason", DISCHARGE_REASONS, required=False),
        }
        start, end = values["started_on"], values["ended_on"]
        if start and end and end < start:
            row.error("ended_on", _("the episode ends before it starts"))
        if end and not values["discharge_reason"] and row.cells["discharge_reason"] == "":
            row.error("discharge_reason", _("give the reason the episode ended"))
        if not end and row.cells["ended_on"] == "" and values["discharge_reason"]:
            row.error("discharge_reason", _("an open episode has no discharge reason"))
        return values

    def row_contacts(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "started_at": row.datetime("started_at"),
            "duration_minutes": row.integer("duration_minutes", *CONTACT_MINUTES),
            "mode": row.enum("mode", CONTACT_MODES),
            "location": row.enum("location", CONTACT_LOCATIONS, required=False),
            "outcome": row.enum("outcome", CONTACT_OUTCOMES),
            "staff_refs": [],
            "informal_support_present": row.boolean("informal_support_present"),
        }
        if values["location"] and values["mode"] and values["mode"] != "face_to_face":
            row.error("location", _("a location is only recorded for face-to-face contacts"))
        cell = row.cells["staff_refs"]
        refs = cell.split(";") if cell else []
        if "" in refs:
            row.error("staff_refs", _("an empty staff reference"))
        values["staff_refs"] = refs if len(refs) < 2 else list(dict.fromkeys(refs))
        return values

    def row_hospital_stays(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "admitted_on": row.date("admitted_on"),
            "discharged_on": row.date("discharged_on", required=False),
            "legal_status": row.enum("legal_status", LEGAL_STATUSES),
        }
        if "advance_statement_upheld" in row.cells:
            values["advance_statement_upheld"] = row.enum(
                "advance_statement_upheld", ADVANCE_STATEMENT_ANSWERS, required=False
            )
        if values["admitted_on"] and values["discharged_on"]:
            if values["discharged_on"] < values["admitted_on"]:
                row.error("discharged_on", _("the discharge is before the admission"))
        return values

    def row_relapses(self, row: _Row) -> dict[str, Any]:
        return {"person_ref": row.text("person_ref"), "onset_on": row.date("onset_on")}

    def row_crises(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "reported_at": row.datetime("reported_at"),
            "first_response_at": row.datetime("first_response_at", required=False),
        }
        if values["reported_at"] and values["first_response_at"]:
            if values["first_response_at"] < values["reported_at"]:
                row.error("first_response_at", _("the response is before the crisis was reported"))
        return values

    def row_careplan_reviews(self, row: _Row) -> dict[str, Any]:
        return {"person_ref": row.text("person_ref"), "agreed_on": row.date("agreed_on")}

    def row_assessments(self, row: _Row) -> dict[str, Any]:
        return {
            "person_ref": row.text("person_ref"),
            "instrument": row.text("instrument", max_length=50),
            "assessed_on": row.date("assessed_on"),
            "score": row.decimal("score"),
        }

    def row_coercive_measures(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "started_at": row.datetime("started_at"),
            "kind": row.enum("kind", COERCION_KINDS),
            "debriefed_on": row.date("debriefed_on", required=False),
        }
        if values["started_at"] and values["debriefed_on"]:
            if values["debriefed_on"] < values["started_at"].astimezone(self.tz).date():
                row.error("debriefed_on", _("the debrief is before the measure"))
        return values

    def row_agency_requests(self, row: _Row) -> dict[str, Any]:
        values = {
            "person_ref": row.text("person_ref"),
            "agency": row.text("agency", max_length=200),
            "sent_on": row.date("sent_on"),
            "responded_on": row.date("responded_on", required=False),
        }
        if "agency_kind" in row.cells:
            values["agency_kind"] = row.enum("agency_kind", AGENCY_KINDS, required=False)
        if values["sent_on"] and values["responded_on"]:
            if values["responded_on"] < values["sent_on"]:
                row.error("responded_on", _("the response is before the request was sent"))
        return values

    def row_adverse_events(self, row: _Row) -> dict[str, Any]:
        return {
            "person_ref": row.text("person_ref"),
            "kind": row.enum("kind", ADVERSE_EVENT_KINDS),
            "occurred_on": row.date("occurred_on"),
        }

    def row_milestones(self, row: _Row) -> dict[str, Any]:
        return {
            "person_ref": row.text("person_ref"),
            "kind": row.enum("kind", MILESTONE_KINDS),
            "achieved_on": row.date("achieved_on"),
        }


@dataclass
class Parsed:
    data: dict[str, list[Record]]
    errors: list[RowError]
    refs: dict[str, set[str]]


def parse_dir(path: str | Path) -> Parsed:
    """Read every file of the format in ``path``: its valid rows, every row error, all refs."""
    directory = Path(path)
    parser = Parser()
    if not directory.is_dir():
        parser.errors.append(RowError(str(directory), 0, "-", _("not a directory")))
        return Parsed({}, parser.errors, {})
    for extra in sorted(p.name for p in directory.glob("*.csv")):
        if extra not in FILES:
            parser.errors.append(RowError(extra, 1, "-", _("unknown file")))
    data: dict[str, list[Record]] = {}
    for name in FILES:
        records = parser.read(directory, name)
        if records is not None:
            data[name] = records
    return Parsed(data, parser.errors, parser.refs)


# --- writing ---------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What to write for one file: new objects, changed objects and their fields."""

    model: type[models.Model]
    fields: list[str]
    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[models.Model] = field(default_factory=list)
    unchanged: int = 0


def _plan(
    model: type[models.Model],
    records: list[Record],
    existing: dict[str, dict[str, Any]],
    build: Callable[[Record], dict[str, Any]],
    extra: dict[str, Any] | None = None,
) -> _Plan:
    """Split rows into new ones and changed ones, comparing with what an earlier import wrote."""
    rows = [(r.ref, build(r)) for r in records]
    fields = list(rows[0][1]) if rows else []
    plan = _Plan(model, fields)
    for ref, values in rows:
        old = existing.get(ref)
        if old is None:
            plan.create.append({"source_ref": ref, **values, **(extra or {})})
        elif any(old[f] != v for f, v in values.items()):
            plan.update.append(model(pk=old["pk"], source_ref=ref, **values))
        else:
            plan.unchanged += 1
    return plan


def _existing(qs: models.QuerySet, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Map source_ref → {pk, fields} for the rows an earlier import wrote (one query)."""
    return {
        row["source_ref"]: row
        for row in qs.exclude(source_ref="").values("pk", "source_ref", *fields).iterator(5000)
    }


def bulk_insert(model: type[models.Model], rows: list[dict[str, Any]], *, ids: bool = True) -> None:
    """Insert rows given as {attname: value}; set each row's "id". COPY on PostgreSQL.

    With ``ids=False`` (nothing refers to the new rows) PostgreSQL numbers the rows itself and
    the rows get no "id".
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        for row, obj in zip(rows, objs, strict=True):
            row["id"] = obj.pk
        return
    fields = [f for f in model._meta.concrete_fields if ids or f.attname != "id"]
    now = timezone.now()
    static: dict[str, Any] = {}
    dynamic: list[models.Field] = []
    for f in fields:
        if f.attname == "id":
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            static[f.attname] = now
        elif f.has_default() and callable(f.default):
            dynamic.append(f)
        elif f.has_default():
            static[f.attname] = f.get_default()
        elif f.null:
            static[f.attname] = None
        elif isinstance(f, models.CharField | models.TextField):
            static[f.attname] = ""
    table = model._meta.db_table
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if ids:
            # The sequence is looked up once (per row, pg_get_serial_sequence costs 4× nextval).
            cursor.execute(
                "WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq)"
                " SELECT nextval(q.seq) FROM q CROSS JOIN generate_series(1, %s)",
                [table, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row["id"] = pk
        columns = ", ".join(quote(f.column) for f in fields)
        names = [f.attname for f in fields]
        lines = []
        for row in rows:
            values = {**static, **row}
            for f in dynamic:
                if f.attname not in row:
                    values[f.attname] = f.get_default()
            for name in json_fields:
                values[name] = json.dumps(values[name])
            lines.append([values[n] for n in names])
        copy_rows(cursor.cursor, f"COPY {quote(table)} ({columns}) FROM STDIN", lines)


def copy_rows(cursor: Any, statement: str, rows: list[list[Any]]) -> None:
    """COPY rows through a psycopg 3 cursor (its C dumpers beat formatting text in Python)."""
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _write(
    plan: _Plan,
    result: ImportResult,
    name: str,
    extra_update: tuple[str, ...] = (),
    *,
    ids: bool = False,
) -> None:
    """Write a plan; ``ids=True`` when later rows refer to the created ones."""
    bulk_insert(plan.model, plan.create, ids=ids)
    if plan.create or plan.update:
        result.tables.add(plan.model._meta.db_table)
    if plan.update:
        plan.model.objects.bulk_update(
            plan.update, plan.fields + list(extra_update), batch_size=500
        )
    result.created[name] = len(plan.create)
    result.updated[name] = len(plan.update)
    result.unchanged[name] = plan.unchanged


KEY_FIELDS = ("given_key", "family_key", "search_key")


def _with_search_keys(plan: _Plan, existing: dict[str, dict[str, Any]]) -> None:
    """Give new and changed clients their search keys (bulk writes bypass Client.save)."""
    for row in plan.create:
        row.setdefault("code", new_client_code())
        row.update(
            client_keys(
                given_name=row["given_name"],
                family_name=row["family_name"],
                known_as=row.get("known_as", ""),
                code=row["code"],
                phone=row.get("phone", ""),
            )
        )
    for client in plan.update:
        old = existing[client.source_ref]
        client.known_as, client.code, client.phone = old["known_as"], old["code"], old["phone"]
        client.refresh_keys()


def _team_for(team_slug: str, municipality_slug: str | None) -> tuple[Team, bool]:
    team = Team.objects.select_for_update().filter(slug=team_slug).first()
    if team is not None:
        return team, False
    if not municipality_slug:
        raise ImportFailed(
            [
                _("--team: there is no team “%(slug)s”; give --municipality to create it")
                % {"slug": team_slug}
            ]
        )
    if slugify(team_slug) != team_slug or slugify(municipality_slug) != municipality_slug:
        raise ImportFailed([_("--team/--municipality: a slug has only a-z, 0-9, - and _")])
    municipality, __ = Municipality.objects.get_or_create(
        slug=municipality_slug,
        defaults={"name": municipality_slug.replace("-", " ").title()},
    )
    team = Team.objects.create(
        municipality=municipality, slug=team_slug, name=team_slug.replace("-", " ").title()
    )
    return team, True


def _instrument(code: str) -> Instrument | None:
    candidates = list(Instrument.objects.filter(code=code))
    if not candidates:
        return None

    def version_key(i: Instrument) -> tuple:
        return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", i.version))

    return max(candidates, key=lambda i: (version_key(i), i.pk))


def import_dir(
    path: str | Path,
    team_slug: str,
    municipality_slug: str | None = None,
    *,
    origin: Origin,
) -> ImportResult:
    """Import the caseload files in ``path`` into a team, all or nothing; raise ImportFailed."""
    # Hundreds of thousands of small dicts and no reference cycles: the cyclic garbage
    # collector would only rescan them again and again (it costs ~40 % of the parse time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        parsed = parse_dir(path)
        with transaction.atomic():
            try:
                team, created = _team_for(team_slug, municipality_slug)
            except ImportFailed as exc:
                raise ImportFailed(exc.errors + _sorted(parsed.errors)) from None
            result = ImportResult(team=team, team_created=created)
            _Importer(team, parsed, result).run()
            audit.record(
                action="caseload.import", target=team, origin=origin, detail=result.as_dict()
            )
        # Fresh tables without statistics get plans that take minutes (planner.py).
        planner.analyze(result.tables)
        return result
    finally:
        if gc_was_enabled:
            gc.enable()


class _Importer:
    def __init__(
        self,
        team: Team,
        parsed: Parsed,
        result: ImportResult,
    ) -> None:
        self.team = team
        self.data = parsed.data
        self.errors = parsed.errors
        self.file_refs = parsed.refs
        self.result = result
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def rows(self, name: str) -> list[Record]:
        return self.data.get(name, [])

    def error(self, name: str, record: Record, column: str, message: str) -> None:
        self.errors.append(RowError(name, record.line, column, message))

    def check_person_refs(self) -> None:
        for name in FILES:
            if name in ("people.csv", "staff.csv"):
                continue
            kept = []
            for record in self.rows(name):
                ref = record.values["person_ref"]
                if ref and ref not in self.client_refs:
                    self.error(
                        name,
                        record,
                        "person_ref",
                        _("no person “%(ref)s” in people.csv or the team") % {"ref": ref},
                    )
                else:
                    kept.append(record)
            if name in self.data:
                self.data[name] = kept

    def run(self) -> None:
        team = self.team
        # Who exists already: people and staff written by an earlier import, by ref.
        clients = _existing(
            Client.objects.filter(team=team),
            ("given_name", "family_name", "birth_date", "sex", "known_as", "code", "phone"),
        )
        self.client_refs = set(clients) | self.file_refs.get("people.csv", set())
        staff = _existing(
            User.objects.filter(teams=team), ("first_name", "last_name", "role", "email")
        )
        self.staff_refs = set(staff) | self.file_refs.get("staff.csv", set())
        self.check_person_refs()
        for record in self.rows("contacts.csv"):
            for ref in record.values["staff_refs"]:
                if ref not in self.staff_refs:
                    self.error(
                        "contacts.csv",
                        record,
                        "staff_refs",
                        _("no staff member “%(ref)s” in staff.csv or the team") % {"ref": ref},
                    )
        episodes = _existing(
            Episode.objects.filter(client__team=team),
            ("client_id", "started_on", "ended_on", "discharge_reason"),
        )
        # Episodes without a ref (entered in the app) still count for overlaps and intake.
        other_episodes = list(
            Episode.objects.filter(client__team=team, source_ref="").values(
                "client_id", "started_on", "ended_on"
            )
        )
        client_pk = {ref: row["pk"] for ref, row in clients.items()}
        ref_of_pk = {pk: ref for ref, pk in client_pk.items()}
        self.check_episodes(episodes, other_episodes, ref_of_pk)
        instruments = self.resolve_instruments()
        assessments = _existing(
            Assessment.objects.filter(client__team=team),
            ("client_id", "instrument_id", "assessed_on", "score"),
        )
        self.check_assessments(assessments, instruments, ref_of_pk)
        self.check_stays(ref_of_pk)
        directory = self.check_agency_kinds()
        if self.errors:
            raise ImportFailed(_sorted(self.errors))

        # Valid: write in dependency order.
        plan = _plan(
            Client,
            self.rows("people.csv"),
            clients,
            lambda r: r.values,
            extra={"team_id": team.pk},
        )
        _with_search_keys(plan, clients)
        _write(plan, self.result, "people.csv", KEY_FIELDS, ids=True)
        for row in plan.create:
            client_pk[row["source_ref"]] = row["id"]
        self.client_pk = client_pk
        self.write_staff(staff)
        self.write_referrals()
        first_episode = self.write_episodes(episodes, other_episodes)
        self.write_contacts()
        self.write_simple(
            "hospital_stays.csv",
            HospitalStay,
            HospitalStay.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "admitted_on": v["admitted_on"],
                "discharged_on": v["discharged_on"],
                "legal_status": v["legal_status"],
                "pre_intake": cid in first_episode and v["admitted_on"] < first_episode[cid],
                **(
                    {"advance_statement_upheld": v["advance_statement_upheld"]}
                    if "advance_statement_upheld" in v
                    else {}
                ),
            },
        )
        self.write_simple(
            "relapses.csv",
            Relapse,
            Relapse.objects.filter(client__team=team),
            lambda v, cid: {"client_id": cid, "onset_on": v["onset_on"]},
        )
        self.write_simple(
            "crises.csv",
            Crisis,
            Crisis.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "reported_at": v["reported_at"],
                "first_response_at": v["first_response_at"],
            },
        )
        first_agreement: dict[str, date] = {}
        for record in self.rows("careplan_reviews.csv"):
            person, day = record.values["person_ref"], record.values["agreed_on"]
            if person not in first_agreement or day < first_agreement[person]:
                first_agreement[person] = day
        self.write_simple(
            "careplan_reviews.csv",
            PlanAgreement,
            PlanAgreement.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "agreed_on": v["agreed_on"],
                "kind": PlanAgreement.Kind.FIRST
                if first_agreement[v["person_ref"]] == v["agreed_on"]
                else PlanAgreement.Kind.REVIEW,
            },
        )
        self.write_simple(
            "assessments.csv",
            Assessment,
            Assessment.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "instrument_id": instruments[v["instrument"]].pk,
                "assessed_on": v["assessed_on"],
                "score": v["score"],
            },
        )
        self.write_simple(
            "coercive_measures.csv",
            CoerciveMeasure,
            CoerciveMeasure.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "started_at": v["started_at"],
                "kind": v["kind"],
                "debriefed_on": v["debriefed_on"],
            },
        )
        self.write_simple(
            "agency_requests.csv",
            AgencyRequest,
            AgencyRequest.objects.filter(client__team=team),
            lambda v, cid: {
                "client_id": cid,
                "agency": v["agency"],
                "sent_on": v["sent_on"],
                "responded_on": v["responded_on"],
                **(
                    {"listed_agency_id": self.listed_agency(directory, v)}
                    if "agency_kind" in v
                    else {}
                ),
            },
        )
        self.write_simple(
            "adverse_events.csv",
            AdverseEvent,
            AdverseEvent.objects.filter(client__team=team),
            lambda v, cid: {"client_id": cid, "kind": v["kind"], "occurred_on": v["occurred_on"]},
        )
        self.write_simple(
            "milestones.csv",
            Milestone,
            Milestone.objects.filter(client__team=team),
            lambda v, cid: {"client_id": cid, "kind": v["kind"], "achieved_on": v["achieved_on"]},
        )

    # --- cross-row checks ---

    def check_agency_kinds(self) -> dict[str, Agency]:
        """Match the named agencies that have a kind to the municipality's directory.

        A row with an `agency_kind` names an agency of the directory (matched by its exact
        name; a new name is added to the directory with that kind). A name already in the
        directory with another kind, or given two kinds in the file, is an error: the kind of an
        agency is changed in the directory, never by an import. Returns name → directory agency,
        unsaved for the names to be added.
        """
        municipality_id = self.team.municipality_id
        directory = {a.name: a for a in Agency.objects.filter(municipality_id=municipality_id)}
        for record in self.rows("agency_requests.csv"):
            kind, name = record.values.get("agency_kind"), record.values["agency"]
            if not kind:
                continue
            entry = directory.get(name)
            if entry is None:
                directory[name] = Agency(municipality_id=municipality_id, name=name, kind=kind)
            elif entry.kind != kind:
                self.error(
                    "agency_requests.csv",
                    record,
                    "agency_kind",
                    _(
                        "“%(agency)s” is in the directory as %(kind)s: change the kind in the "
                        "directory, not in the file"
                    )
                    % {"agency": name, "kind": entry.kind},
                )
        return directory

    def listed_agency(self, directory: dict[str, Agency], values: dict[str, Any]) -> int | None:
        """The directory agency of a row with a kind (added on first use); None for a one-off."""
        if not values.get("agency_kind"):
            return None
        entry = directory[values["agency"]]
        if entry.pk is None:
            entry.save()
            self.result.tables.add(Agency._meta.db_table)
        return entry.pk

    def check_episodes(
        self,
        existing: dict[str, dict[str, Any]],
        others: list[dict[str, Any]],
        ref_of_pk: dict[int, str],
    ) -> None:
        by_person: dict[str, list[tuple[date, date, Record | None]]] = defaultdict(list)
        in_file = {r.ref for r in self.rows("episodes.csv")}
        for ref, row in existing.items():
            if ref not in in_file and row["client_id"] in ref_of_pk:
                by_person[ref_of_pk[row["client_id"]]].append(
                    (row["started_on"], row["ended_on"] or date.max, None)
                )
        for row in others:
            if row["client_id"] in ref_of_pk:
                by_person[ref_of_pk[row["client_id"]]].append(
                    (row["started_on"], row["ended_on"] or date.max, None)
                )
        for record in self.rows("episodes.csv"):
            v = record.values
            by_person[v["person_ref"]].append((v["started_on"], v["ended_on"] or date.max, record))
        for spans in by_person.values():
            spans.sort(key=lambda s: (s[0], s[1]))
            latest_end, latest = date.min, None
            for start, end, record in spans:
                if start <= latest_end and record is not None:
                    where = (
                        _("line %(line)d") % {"line": latest.line}
                        if latest is not None
                        else _("an episode already in the team")
                    )
                    self.error(
                        "episodes.csv",
                        record,
                        "started_on",
                        _("overlaps another episode of the same person (%(where)s)")
                        % {"where": where},
                    )
                if end > latest_end:
                    latest_end, latest = end, record

    def check_stays(self, ref_of_pk: dict[int, str]) -> None:
        """Stays of one person never overlap: the rule of HospitalStay.clean (`stays_overlap`),
        checked against the other rows of the file and the stays already in the team."""
        if "hospital_stays.csv" not in self.data:
            return
        records = self.rows("hospital_stays.csv")
        in_file = {r.ref for r in records}
        spans: dict[str, list[tuple[date, date | None, Record | None]]] = defaultdict(list)
        for row in HospitalStay.objects.filter(client_id__in=ref_of_pk).values(
            "client_id", "source_ref", "admitted_on", "discharged_on"
        ):
            if not row["source_ref"] or row["source_ref"] not in in_file:
                spans[ref_of_pk[row["client_id"]]].append(
                    (row["admitted_on"], row["discharged_on"], None)
                )
        for record in records:
            v = record.values
            if v["admitted_on"] is not None:
                spans[v["person_ref"]].append((v["admitted_on"], v["discharged_on"], record))
        for stays in spans.values():
            stays.sort(key=lambda s: (s[0], s[1] or date.max))
            # Compared with the stay that runs longest so far: sorted by admission, a stay
            # overlaps an earlier one if and only if it overlaps that one.
            longest: tuple[date, date | None, Record | None] | None = None
            for stay in stays:
                start, end, record = stay
                if longest is not None and stays_overlap(start, end, longest[0], longest[1]):
                    if record is not None:
                        where = (
                            _("line %(line)d") % {"line": longest[2].line}
                            if longest[2] is not None
                            else _("a stay already in the team")
                        )
                        self.error(
                            "hospital_stays.csv",
                            record,
                            "admitted_on",
                            _("overlaps another hospital stay of the same person (%(where)s)")
                            % {"where": where},
                        )
                if longest is None or (
                    longest[1] is not None and (end is None or end > longest[1])
                ):
                    longest = stay

    def resolve_instruments(self) -> dict[str, Instrument]:
        found: dict[str, Instrument] = {}
        for record in self.rows("assessments.csv"):
            code = record.values["instrument"]
            if code in found:
                continue
            instrument = _instrument(code)
            if instrument is None and code == "mansa":
                instrument = Instrument.objects.create(
                    code="mansa",
                    version="1",
                    name="Manchester Short Assessment of Quality of Life (MANSA)",
                    items=MANSA_ITEMS,
                    scoring=MANSA_SCORING,
                    rated_by=Instrument.RatedBy.CLIENT,
                )
            if instrument is not None:
                found[code] = instrument
        return found

    def check_assessments(
        self,
        existing: dict[str, dict[str, Any]],
        instruments: dict[str, Instrument],
        ref_of_pk: dict[int, str],
    ) -> None:
        in_file = {r.ref for r in self.rows("assessments.csv")}
        taken: dict[tuple[str, int, date], int | None] = {}
        for ref, row in existing.items():
            if ref not in in_file and row["client_id"] in ref_of_pk:
                taken[(ref_of_pk[row["client_id"]], row["instrument_id"], row["assessed_on"])] = (
                    None
                )
        # Assessments entered in the app (no ref) hold their day too.
        for row in Assessment.objects.filter(client__team=self.team, source_ref="").values(
            "client_id", "instrument_id", "assessed_on"
        ):
            if row["client_id"] in ref_of_pk:
                key = (ref_of_pk[row["client_id"]], row["instrument_id"], row["assessed_on"])
                taken[key] = None
        for record in self.rows("assessments.csv"):
            v = record.values
            instrument = instruments.get(v["instrument"])
            if instrument is None:
                self.error(
                    "assessments.csv",
                    record,
                    "instrument",
                    _("unknown instrument “%(code)s”") % {"code": v["instrument"]},
                )
                continue
            key = (v["person_ref"], instrument.pk, v["assessed_on"])
            if key in taken:
                line = taken[key]
                where = (
                    _("line %(line)d") % {"line": line}
                    if line
                    else _("an assessment already in the team")
                )
                self.error(
                    "assessments.csv",
                    record,
                    "assessed_on",
                    _("a second %(code)s assessment of this person on this date (%(where)s)")
                    % {"code": v["instrument"], "where": where},
                )
            else:
                taken[key] = record.line

    # --- writers ---

    def write_staff(self, existing: dict[str, dict[str, Any]]) -> None:
        team = self.team
        records = self.rows("staff.csv")
        plan = _plan(User, records, existing, lambda r: r.values)
        if plan.create:
            wanted = [
                slugify(f"{team.slug}-{u['source_ref']}")[:140] or "staff" for u in plan.create
            ]
            taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
            unusable = make_password(None)
            for user, name in zip(plan.create, wanted, strict=True):
                username = name
                while username in taken:
                    username = f"{name}-{secrets.token_hex(3)}"
                taken.add(username)
                user["username"] = username
                user["password"] = unusable
                user["is_active"] = True
                user["date_joined"] = timezone.now()
                if user["role"] == Role.COORDINATOR:
                    user["municipality_id"] = team.municipality_id
        _write(plan, self.result, "staff.csv", ids=True)
        bulk_insert(
            User.teams.through,
            [{"user_id": u["id"], "team_id": team.pk} for u in plan.create],
            ids=False,
        )
        if plan.create:
            self.result.tables.add(User.teams.through._meta.db_table)
        self.staff_pk = {ref: row["pk"] for ref, row in existing.items()}
        for user in plan.create:
            self.staff_pk[user["source_ref"]] = user["id"]

    def write_referrals(self) -> None:
        records = self.rows("referrals.csv")
        if "referrals.csv" not in self.data:
            return
        people = {r.ref: r.values for r in self.rows("people.csv")}
        fields = ("client_id", "received_at", "source", "status", "decided_at")
        person_fields = ("given_name", "family_name", "birth_date", "sex")
        existing = _existing(Referral.objects.filter(team=self.team), fields + person_fields)
        known = {}
        missing = {
            r.values["person_ref"]
            for r in records
            if r.values["person_ref"] and r.values["person_ref"] not in people
        }
        if missing:
            for row in Client.objects.filter(team=self.team, source_ref__in=missing).values(
                "source_ref", *person_fields
            ):
                known[row["source_ref"]] = row

        def build(record: Record) -> dict[str, Any]:
            v = record.values
            ref = v["person_ref"]
            person = people.get(ref) or known.get(ref) or {}
            return {
                "client_id": self.client_pk[ref] if ref else None,
                "received_at": v["received_at"],
                "source": v["source"],
                "status": v["status"],
                "decided_at": v["decided_at"],
                "given_name": person.get("given_name", ""),
                "family_name": person.get("family_name", ""),
                "birth_date": person.get("birth_date"),
                "sex": person.get("sex") or Sex.UNKNOWN,
            }

        plan = _plan(
            Referral,
            records,
            existing,
            build,
            extra={"team_id": self.team.pk, "municipality_id": self.team.municipality_id},
        )
        _write(plan, self.result, "referrals.csv")

    def write_episodes(
        self, existing: dict[str, dict[str, Any]], others: list[dict[str, Any]]
    ) -> dict[int, date]:
        """Write episodes; return each client's first episode start (for pre-intake stays)."""
        first: dict[int, date] = {}
        in_file = {r.ref for r in self.rows("episodes.csv")}
        for ref, row in existing.items():
            if ref not in in_file:
                others.append(row)
        for row in others:
            cid = row["client_id"]
            if cid not in first or row["started_on"] < first[cid]:
                first[cid] = row["started_on"]
        if "episodes.csv" not in self.data:
            return first

        def build(record: Record) -> dict[str, Any]:
            v = record.values
            cid = self.client_pk[v["person_ref"]]
            if cid not in first or v["started_on"] < first[cid]:
                first[cid] = v["started_on"]
            return {
                "client_id": cid,
                "started_on": v["started_on"],
                "ended_on": v["ended_on"],
                "discharge_reason": v["discharge_reason"],
            }

        _write(
            _plan(Episode, self.rows("episodes.csv"), existing, build), self.result, "episodes.csv"
        )
        return first

    def write_contacts(self) -> None:
        if "contacts.csv" not in self.data:
            return
        records = self.rows("contacts.csv")
        fields = (
            "client_id",
            "started_at",
            "duration_minutes",
            "mode",
            "location",
            "outcome",
            "informal_support_present",
        )
        existing = _existing(Contact.objects.filter(client__team=self.team), fields)

        def build(record: Record) -> dict[str, Any]:
            v = record.values
            return {
                "client_id": self.client_pk[v["person_ref"]],
                "started_at": v["started_at"],
                "duration_minutes": v["duration_minutes"],
                "mode": v["mode"],
                "location": v["location"],
                "outcome": v["outcome"],
                "informal_support_present": v["informal_support_present"],
            }

        plan = _plan(Contact, records, existing, build)
        now = timezone.now()
        for obj in plan.update:
            obj.updated_at = now
        # Staff present: compare with what is stored, per contact, in one query.
        through = Contact.staff.through
        stored: dict[int, set[int]] = defaultdict(set)
        if existing:
            for contact_id, user_id in (
                through.objects.filter(contact__client__team=self.team)
                .exclude(contact__source_ref="")
                .values_list("contact_id", "user_id")
                .iterator(5000)
            ):
                stored[contact_id].add(user_id)
        wanted = {r.ref: {self.staff_pk[s] for s in r.values["staff_refs"]} for r in records}
        changed_staff: list[tuple[int, set[int], set[int]]] = []
        for ref, row in existing.items():
            if ref in wanted and wanted[ref] != stored.get(row["pk"], set()):
                changed_staff.append((row["pk"], stored.get(row["pk"], set()), wanted[ref]))
        if changed_staff:
            update_pks = {obj.pk for obj in plan.update}
            by_ref = {row["pk"]: ref for ref, row in existing.items()}
            record_of = {r.ref: r for r in records}
            for pk, __, __ in changed_staff:
                if pk not in update_pks:
                    ref = by_ref[pk]
                    obj = Contact(pk=pk, source_ref=ref, **build(record_of[ref]))
                    obj.updated_at = now
                    plan.update.append(obj)
                    plan.unchanged -= 1
        _write(plan, self.result, "contacts.csv", extra_update=("updated_at",), ids=True)
        links = [
            {"contact_id": row["id"], "user_id": uid}
            for row in plan.create
            for uid in wanted[row["source_ref"]]
        ]
        for pk, old, new in changed_staff:
            if old - new:
                through.objects.filter(contact_id=pk, user_id__in=old - new).delete()
            links.extend({"contact_id": pk, "user_id": uid} for uid in new - old)
        bulk_insert(through, links, ids=False)
        if links or changed_staff:
            self.result.tables.add(through._meta.db_table)

    def write_simple(
        self,
        name: str,
        model: type[models.Model],
        qs: models.QuerySet,
        build: Callable[[dict[str, Any], int], dict[str, Any]],
    ) -> None:
        if name not in self.data:
            return
        records = self.rows(name)
        probe = build(records[0].values, 0) if records else {}
        existing = _existing(qs, tuple(probe))
        plan = _plan(
            model,
            records,
            existing,
            lambda r: build(r.values, self.client_pk[r.values["person_ref"]]),
        )
        _write(plan, self.result, name)


def _sorted(errors: list[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(FILES)}
    return sorted(errors, key=lambda e: (order.get(e.file, -1), e.file, e.line))
