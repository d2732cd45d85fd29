"""Municipal reports: which figures they show, and every write (draft, edit, publish, correct).

A report reads snapshots, never raw records: its figures are the municipality's snapshot and
each team's snapshot of the period (computed through `services.snapshot_compute` when the report
is drafted or refreshed, both POSTs; showing a report computes nothing), plus the municipality's
figures of the last four quarters (the trend; a quarter still running is labelled "to date"). Publishing the report
publishes the snapshots it names, so both are frozen together.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import audit
from outreach.access import visible_municipalities
from outreach.ages import AGE_BAND_LABELS
from outreach.csv_export import csv_writer
from outreach.models import (
    AdverseEvent,
    AgencyKind,
    CoerciveMeasure,
    DischargeReason,
    ExitSurvey,
    Milestone,
    Municipality,
    Team,
)
from outreach.origin import Origin
from referrals.models import Source

from . import fidelity as fidelity_figures
from . import formatting as fmt
from . import services, suppression
from .models import FidelityTarget, IndicatorSnapshot, Report, ReportFrozen
from .periods import Period, Scope

if TYPE_CHECKING:
    from outreach.models import User

# (key, label, kind): the rows of the report, in sections.
SECTIONS: list[tuple[Any, list[tuple[str, Any, str]]]] = [
    (
        gettext_lazy("Caseload and flow"),
        [
            ("caseload_start", gettext_lazy("Caseload on the first day"), fmt.COUNT),
            ("caseload_end", gettext_lazy("Caseload on the last day"), fmt.COUNT),
            ("episodes_started", gettext_lazy("Episodes started"), fmt.COUNT),
            ("episodes_ended", gettext_lazy("Episodes ended"), fmt.COUNT),
            ("clients_served", gettext_lazy("Clients served"), fmt.COUNT),
            ("client_days", gettext_lazy("Client days"), fmt.COUNT),
        ],
    ),
    (
        gettext_lazy("Referrals and response"),
        [
            ("referrals_received", gettext_lazy("Referrals received"), fmt.COUNT),
            ("referrals_accepted", gettext_lazy("Referrals accepted"), fmt.COUNT),
            ("referrals_declined", gettext_lazy("Referrals declined"), fmt.COUNT),
            ("referral_decision_days_median", gettext_lazy("Days to decision (median)"), fmt.DAYS),
            ("first_contact_days_median", gettext_lazy("Days to first contact (median)"), fmt.DAYS),
            (
                "first_contact_days_p90",
                gettext_lazy("Days to first contact (90th percentile)"),
                fmt.DAYS,
            ),
        ],
    ),
    (
        gettext_lazy("Continuity of care after hospital"),
        [
            ("hospital_discharges", gettext_lazy("Discharges from hospital in care"), fmt.COUNT),
            (
                "post_discharge_followup_72h_share",
                gettext_lazy("Seen within 72 hours of discharge"),
                fmt.SHARE,
            ),
            (
                "post_discharge_followup_7d_share",
                gettext_lazy("Seen within 7 days of discharge"),
                fmt.SHARE,
            ),
            (
                "post_discharge_first_contact_days_median",
                gettext_lazy("Days from discharge to first contact (median)"),
                fmt.DAYS,
            ),
        ],
    ),
    (
        gettext_lazy("Access"),
        [
            (
                "waiting_list_when_computed",
                gettext_lazy("Referrals on the waiting list when computed"),
                fmt.COUNT,
            ),
            (
                "waiting_days_median_when_computed",
                gettext_lazy("Days waiting so far (median)"),
                fmt.DAYS,
            ),
        ],
    ),
    (
        gettext_lazy("Contacts and engagement"),
        [
            ("contacts_seen", gettext_lazy("Contacts in person"), fmt.COUNT),
            ("contacts_not_met", gettext_lazy("Attempts that did not reach the client"), fmt.COUNT),
            ("contacts_per_client_week", gettext_lazy("Contacts per client per week"), fmt.RATE),
            (
                "contact_minutes_per_client_week",
                gettext_lazy("Minutes per client per week"),
                fmt.RATE,
            ),
            ("community_contact_share", gettext_lazy("Contacts in the community"), fmt.SHARE),
            (
                "informal_support_contacts",
                gettext_lazy("Contacts with informal support"),
                fmt.COUNT,
            ),
            ("clients_not_seen_30d", gettext_lazy("Clients not seen for 30 days"), fmt.COUNT),
            ("team_approach_share", gettext_lazy("Clients seen by two or more staff"), fmt.SHARE),
        ],
    ),
    (
        gettext_lazy("Crises, relapses and hospital"),
        [
            ("crises", gettext_lazy("Crises"), fmt.COUNT),
            ("crises_without_response", gettext_lazy("Crises without a response"), fmt.COUNT),
            (
                "crisis_response_hours_median",
                gettext_lazy("Hours to first response (median)"),
                fmt.HOURS,
            ),
            ("relapses", gettext_lazy("Relapses"), fmt.COUNT),
            ("clients_with_relapse", gettext_lazy("Clients with a relapse"), fmt.COUNT),
            ("admissions", gettext_lazy("Hospital admissions"), fmt.COUNT),
            ("admissions_voluntary", gettext_lazy("Voluntary admissions"), fmt.COUNT),
            ("admissions_involuntary", gettext_lazy("Involuntary admissions"), fmt.COUNT),
            (
                "involuntary_admission_share",
                gettext_lazy("Share of admissions involuntary"),
                fmt.SHARE,
            ),
            ("bed_days", gettext_lazy("Bed days"), fmt.COUNT),
            (
                "involuntary_admissions_per_client_year_before",
                gettext_lazy("Involuntary admissions per client-year before intake"),
                fmt.RATE,
            ),
            (
                "involuntary_admissions_per_client_year_during",
                gettext_lazy("Involuntary admissions per client-year during care"),
                fmt.RATE,
            ),
        ],
    ),
    (
        gettext_lazy("Rights and coordination"),
        [
            ("coercive_measures", gettext_lazy("Coercive measures"), fmt.COUNT),
            (
                "clients_with_coercive_measure",
                gettext_lazy("Clients with a coercive measure"),
                fmt.COUNT,
            ),
            (
                "coercion_debrief_share",
                gettext_lazy("Measures debriefed within 14 days"),
                fmt.SHARE,
            ),
            (
                "clients_with_involuntary_admission",
                gettext_lazy("Clients admitted involuntarily"),
                fmt.COUNT,
            ),
            (
                "advance_statement_upheld_share",
                gettext_lazy("Admissions with the advance statement upheld"),
                fmt.SHARE,
            ),
            ("agency_requests_sent", gettext_lazy("Requests to agencies"), fmt.COUNT),
            (
                "agency_response_days_median",
                gettext_lazy("Days to an agency's answer (median)"),
                fmt.DAYS,
            ),
            (
                "agency_requests_open_30d",
                gettext_lazy("Agency requests open over 30 days"),
                fmt.COUNT,
            ),
        ],
    ),
    (
        gettext_lazy("Care plans and outcomes"),
        [
            (
                "care_plan_coverage",
                gettext_lazy("Care plans agreed in the last 3 months"),
                fmt.SHARE,
            ),
            ("qol_change_mean", gettext_lazy("Quality of life change (MANSA, mean)"), fmt.MEAN),
            (
                "bed_days_per_client_year_before",
                gettext_lazy("Bed days per client-year before intake"),
                fmt.RATE,
            ),
            (
                "bed_days_per_client_year_during",
                gettext_lazy("Bed days per client-year during care"),
                fmt.RATE,
            ),
        ],
    ),
    (
        gettext_lazy("Days to an agency's answer by kind of agency (median)"),
        [
            (f"agency_response_days_median_by_kind.{kind}", label, fmt.DAYS)
            for kind, label in AgencyKind.choices
        ],
    ),
]

# Objects of medians (kind → median, with an `_n` object): flattened into rows `<key>.<kind>`.
MEDIAN_OBJECTS = ("agency_response_days_median_by_kind",)


def report_values(values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's values with each object of medians as rows `<key>.<name>` (and `_n`)."""
    out = dict(values)
    for key in MEDIAN_OBJECTS:
        ns = values.get(f"{key}_n") or {}
        for name, value in (values.get(key) or {}).items():
            out[f"{key}.{name}"] = value
            out[f"{key}.{name}_n"] = ns.get(name)
    return out


KINDS = {key: kind for _title, rows in SECTIONS for key, _label, kind in rows}

# Objects of counts: (key, title).
BREAKDOWNS: list[tuple[str, Any]] = [
    ("adverse_events_by_kind", gettext_lazy("Safety: adverse events by kind")),
    ("agency_requests_by_kind", gettext_lazy("Requests to agencies by kind of agency")),
    ("referrals_by_source", gettext_lazy("Referrals by source")),
    ("episodes_ended_by_reason", gettext_lazy("Episodes ended by reason")),
    ("coercive_measures_by_kind", gettext_lazy("Coercive measures by kind")),
    ("milestones_by_kind", gettext_lazy("Milestones by kind")),
    ("clients_served_by_sex", gettext_lazy("Clients served by sex")),
    ("clients_served_by_age", gettext_lazy("Clients served by age")),
    (
        "clients_with_involuntary_admission_by_sex",
        gettext_lazy("Clients admitted involuntarily by sex"),
    ),
    (
        "clients_with_involuntary_admission_by_age",
        gettext_lazy("Clients admitted involuntarily by age"),
    ),
    (
        "clients_with_coercive_measure_by_sex",
        gettext_lazy("Clients with a coercive measure by sex"),
    ),
    (
        "clients_with_coercive_measure_by_age",
        gettext_lazy("Clients with a coercive measure by age"),
    ),
]

BAND_LABELS = {
    **AGE_BAND_LABELS,
    "female": gettext_lazy("Female"),
    "male": gettext_lazy("Male"),
    "other": gettext_lazy("Other"),
    "unknown": gettext_lazy("Unknown"),  # of sex and of age alike
}
BREAKDOWN_LABELS: dict[str, dict[str, Any]] = {
    "referrals_by_source": dict(Source.choices),
    "episodes_ended_by_reason": dict(DischargeReason.choices),
    "coercive_measures_by_kind": dict(CoerciveMeasure.Kind.choices),
    "milestones_by_kind": dict(Milestone.Kind.choices),
    "adverse_events_by_kind": dict(AdverseEvent.Kind.choices),
    "agency_requests_by_kind": dict(AgencyKind.choices),
}

# The exit survey: its items (ExitSurvey fields) and answers, shown only from 5 answers.
EXIT_SURVEY_ITEMS = (
    "felt_respected",
    "coercion_experienced",
    "advance_statement_upheld",
    "peer_support_offered",
    "community_inclusion",
)
EXIT_SURVEY_ANSWERS = tuple(ExitSurvey.Answer.values)
EXIT_SURVEY_MIN = 5

# The trend: municipality figures of the last four quarters.
TREND_KEYS = [
    ("clients_served", gettext_lazy("Clients served"), fmt.COUNT),
    ("caseload_end", gettext_lazy("Caseload on the last day"), fmt.COUNT),
    ("contacts_per_client_week", gettext_lazy("Contacts per client per week"), fmt.RATE),
    ("community_contact_share", gettext_lazy("Contacts in the community"), fmt.SHARE),
    ("crises", gettext_lazy("Crises"), fmt.COUNT),
    ("admissions_involuntary", gettext_lazy("Involuntary admissions"), fmt.COUNT),
    ("coercive_measures", gettext_lazy("Coercive measures"), fmt.COUNT),
    ("care_plan_coverage", gettext_lazy("Care plans agreed in the last 3 months"), fmt.SHARE),
    (
        "post_discharge_followup_7d_share",
        gettext_lazy("Seen within 7 days of discharge"),
        fmt.SHARE,
    ),
    ("agency_requests_open_30d", gettext_lazy("Agency requests open over 30 days"), fmt.COUNT),
]


def show_value(values: dict[str, Any], key: str, kind: str, *, suppress: bool) -> str:
    """Return one figure of a snapshot's values as text (rounding and, if asked, suppression)."""
    return fmt.show(values.get(key), kind, n=values.get(f"{key}_n"), suppress=suppress)


# --- Reads -----------------------------------------------------------------------------------


def report_list(*, user: User) -> QuerySet[Report]:
    """Reports of the municipalities the user may see (coordinators, supervisors)."""
    return Report.objects.filter(municipality__in=visible_municipalities(user)).select_related(
        "municipality"
    )


def trend_periods(period: Period) -> list[Period]:
    """The four quarters ending with the quarter that holds the period's last day."""
    q = Period.quarter_of(period.last)
    out = [q]
    for _i in range(3):
        out.append(out[-1].previous())
    return list(reversed(out))


@dataclass
class Column:
    label: str
    snapshot: IndicatorSnapshot
    team: Team | None = None

    @property
    def values(self) -> dict[str, Any]:
        return report_values(self.snapshot.values)


@dataclass
class Content:
    """The figures of a report as text, ready for a template or the CSV."""

    report: Report
    suppress: bool
    columns: list[Column]
    sections: list[dict[str, Any]] = field(default_factory=list)
    breakdowns: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    trend_periods: list[str] = field(default_factory=list)
    # Per trend period: {"period", "as_of"}; `as_of` is a date when the period's figures stop
    # before its end (computed while it ran, "to date"), else None.
    trend_columns: list[dict[str, Any]] = field(default_factory=list)
    # The exit survey: {"answers": [labels], "rows": [{"label", "cells", "enough"}]}.
    exit_survey: dict[str, Any] = field(default_factory=dict)
    # Fidelity: {"teams": [names], "rows": [{"label", "target", "cells": [{"text", "band"}]}]}.
    fidelity: dict[str, Any] = field(default_factory=dict)


def with_snapshots(qs: QuerySet[Report]) -> QuerySet[Report]:
    """Prefetch the snapshots a report renders, with their team and municipality."""
    return qs.prefetch_related(
        Prefetch(
            "snapshots", queryset=IndicatorSnapshot.objects.select_related("team", "municipality")
        )
    )


def _columns(report: Report) -> list[Column]:
    snaps = list(report.snapshots.all())
    muni = [s for s in snaps if s.scope_kind == IndicatorSnapshot.ScopeKind.MUNICIPALITY]
    teams = sorted((s for s in snaps if s.team_id), key=lambda s: s.team.name)
    return [Column(str(s.municipality), s) for s in muni] + [
        Column(s.team.name, s, s.team) for s in teams
    ]


ROWS = [(key, kind) for _title, section in SECTIONS for key, _label, kind in section]


# Keys of a snapshot that a team's figures page leaves to the municipal report, each with the
# reason (tests/indicators/test_team_figures_keys.py fails on a key neither shown nor listed).
TEAM_PAGE_REPORT_ONLY: dict[str, str] = {}


def snapshots_breakdown_names(key: str, snapshots: list[IndicatorSnapshot | None]) -> list[str]:
    """The cells of a breakdown over a team's snapshots: every name any of them has."""
    names: list[str] = []
    for s in snapshots:
        for name in (s.values.get(key) or {}) if s is not None else ():
            if name not in names:
                names.append(name)
    return names


def snapshots_decision(
    snapshots: list[IndicatorSnapshot | None], *, with_breakdowns: bool = False
) -> suppression.Decision:
    """Which figures of a team's snapshots (the rows of SECTIONS, and with `with_breakdowns`
    the cells of BREAKDOWNS, for a page that shows them) are hidden outside the team;
    `text(f"p{i}", key, kind)` is the i-th snapshot's cell, and `text(f"p{i}", f"{key}.{name}",
    COUNT)` a cell of a breakdown."""
    breakdowns = (
        [(key, snapshots_breakdown_names(key, snapshots)) for key, _title in BREAKDOWNS]
        if with_breakdowns
        else []
    )
    return suppression.suppressed(
        [
            suppression.Source(f"p{i}", report_values(s.values), ROWS, breakdowns)
            for i, s in enumerate(snapshots)
            if s is not None
        ]
    )


def snapshots_breakdowns(
    snapshots: list[IndicatorSnapshot | None], decision: suppression.Decision | None
) -> list[dict[str, Any]]:
    """The breakdowns of a team's snapshots as the figures page shows them: per breakdown its
    cells (one row per name, one cell per snapshot), hidden by `decision` if there is one."""

    def cell(i: int, s: IndicatorSnapshot | None, key: str, name: str) -> str:
        if s is None:
            return fmt.EMPTY
        if decision is not None:
            return decision.text(f"p{i}", f"{key}.{name}", fmt.COUNT)
        value = (s.values.get(key) or {}).get(name, 0)
        return fmt.show(value, fmt.COUNT, suppress=False)

    out = []
    for key, title in BREAKDOWNS:
        labels = BREAKDOWN_LABELS.get(key, BAND_LABELS)
        out.append(
            {
                "key": key,
                "title": title,
                "rows": [
                    {
                        "name": name,
                        "label": labels.get(name, name.replace("_", " ")),
                        "cells": [cell(i, s, key, name) for i, s in enumerate(snapshots)],
                    }
                    for name in snapshots_breakdown_names(key, snapshots)
                ],
            }
        )
    return out


def report_decision(report: Report, columns: list[Column]) -> suppression.Decision:
    """Which cells of the whole report are hidden when it leaves the team (suppression.py)."""
    rows = ROWS
    breakdowns = [(key, _breakdown_names(key, columns)) for key, _title in BREAKDOWNS]
    muni = next((f"c{i}" for i, c in enumerate(columns) if c.team is None), None)
    sources = [
        suppression.Source(
            f"c{i}",
            c.values,
            rows,
            breakdowns,
            part="team" if c.team is not None else "municipality",
        )
        for i, c in enumerate(columns)
    ]
    survey = exit_survey_source(report)
    if survey is not None:
        sources.append(survey)
    trend_rows = [(key, kind) for key, _label, kind in TREND_KEYS]
    sources += [
        suppression.Source(
            f"t{i}",
            t["values"],
            trend_rows,
            same_as=muni if t["period"] == report.period else None,
        )
        for i, t in enumerate(report.trend)
    ]
    return suppression.suppressed(sources)


def _breakdown_names(key: str, columns: list[Column]) -> list[str]:
    names: list[str] = []
    for c in columns:
        for name in c.snapshot.values.get(key) or {}:
            if name not in names:
                names.append(name)
    return names


def report_content(report: Report, *, suppress: bool) -> Content:
    """Return every figure of the report as text, per column (municipality, then each team).

    With `suppress` the cells hidden are decided for the whole report at once (primary and
    complementary suppression, suppression.py): the page, its PDF and CSV and the public page
    all show the same.
    """
    columns = _columns(report)
    content = Content(report=report, suppress=suppress, columns=columns)
    decision = report_decision(report, columns) if suppress else None

    def cell(source: str, values: dict[str, Any], key: str, kind: str) -> str:
        if decision is not None:
            return decision.text(source, key, kind)
        return show_value(values, key, kind, suppress=False)

    for title, rows in SECTIONS:
        content.sections.append(
            {
                "title": title,
                "rows": [
                    {
                        "key": key,
                        "label": label,
                        "kind": kind,
                        "cells": [
                            cell(f"c{i}", c.values, key, kind) for i, c in enumerate(columns)
                        ],
                    }
                    for key, label, kind in rows
                ],
            }
        )
    for key, title in BREAKDOWNS:
        names = _breakdown_names(key, columns)
        content.breakdowns.append(
            {
                "key": key,
                "title": title,
                "rows": [
                    {
                        "name": name,
                        "label": BREAKDOWN_LABELS.get(key, BAND_LABELS).get(
                            name, name.replace("_", " ")
                        ),
                        "cells": [
                            cell(
                                f"c{i}",
                                {name: (c.snapshot.values.get(key) or {}).get(name, 0)},
                                f"{key}.{name}" if decision is not None else name,
                                fmt.COUNT,
                            )
                            for i, c in enumerate(columns)
                        ],
                    }
                    for name in names
                ],
            }
        )
    content.exit_survey = _exit_survey_content(report, decision)
    content.fidelity = _fidelity_content(report, columns, decision)
    content.trend_periods = [t["period"] for t in report.trend]
    content.trend_columns = [{"period": t["period"], "as_of": trend_as_of(t)} for t in report.trend]
    for key, label, kind in TREND_KEYS:
        raw = [t["values"].get(key) for t in report.trend]
        cells = [cell(f"t{i}", t["values"], key, kind) for i, t in enumerate(report.trend)]
        content.trend.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "cells": cells,
                "chart": _chart(raw, cells, content.trend_columns),
            }
        )
    return content


def exit_survey_counts(report: Report) -> dict[str, dict[str, int]]:
    """Item → answer → count of the exit survey stored with the report's figures."""
    return (getattr(report, "extras", None) or {}).get("exit_survey") or {}


def _survey_answers(counts: dict[str, int]) -> int:
    return sum(counts.get(a, 0) for a in EXIT_SURVEY_ANSWERS)


def exit_survey_source(report: Report) -> suppression.Source | None:
    """The exit survey's items with 5 answers or more, for suppression: each item's answers add
    up to its number of answers (both shown)."""
    values: dict[str, Any] = {}
    rows, breakdowns, sums = [], [], []
    for item, counts in exit_survey_counts(report).items():
        total = _survey_answers(counts)
        if total < EXIT_SURVEY_MIN:
            continue
        values[f"exit.{item}"] = total
        values[f"exit.{item}.by_answer"] = {a: counts.get(a, 0) for a in EXIT_SURVEY_ANSWERS}
        rows.append((f"exit.{item}", fmt.COUNT))
        breakdowns.append((f"exit.{item}.by_answer", list(EXIT_SURVEY_ANSWERS)))
        sums.append((f"exit.{item}", f"exit.{item}.by_answer"))
    if not rows:
        return None
    return suppression.Source("s", values, rows, breakdowns, sums=sums)


def _exit_survey_content(report: Report, decision: suppression.Decision | None) -> dict[str, Any]:
    counts_by_item = exit_survey_counts(report)
    rows = []
    for item in EXIT_SURVEY_ITEMS:
        counts = counts_by_item.get(item) or {}
        total = _survey_answers(counts)
        label = ExitSurvey._meta.get_field(item).verbose_name
        if total < EXIT_SURVEY_MIN:
            rows.append({"key": item, "label": label, "enough": False, "cells": []})
            continue
        cells = []
        for answer in EXIT_SURVEY_ANSWERS:
            key = f"exit.{item}.by_answer.{answer}"
            value = counts.get(answer, 0)
            cells.append(
                decision.text("s", key, fmt.COUNT)
                if decision is not None
                else fmt.show(value, fmt.COUNT, suppress=False)
            )
        cells.append(
            decision.text("s", f"exit.{item}", fmt.COUNT)
            if decision is not None
            else fmt.show(total, fmt.COUNT, suppress=False)
        )
        rows.append({"key": item, "label": label, "enough": True, "cells": cells})
    return {
        "answers": [*(str(label) for label in ExitSurvey.Answer.labels), _("Answers")],
        "rows": rows,
        "stored": bool(counts_by_item),
    }


def _fidelity_content(
    report: Report, columns: list[Column], decision: suppression.Decision | None
) -> dict[str, Any]:
    """Each team's fidelity figures against its targets, as stored with the report's figures.

    Outside the team a figure that is a row of the report shows what the report shows there;
    clients per worker is withheld when the caseload it divides is.
    """
    stored = (getattr(report, "extras", None) or {}).get("fidelity") or {}
    teams = [
        (i, c) for i, c in enumerate(columns) if c.team is not None and str(c.team.pk) in stored
    ]
    rows: dict[str, dict[str, Any]] = {}
    for i, c in teams:
        entry = stored[str(c.team.pk)]
        target = FidelityTarget(
            team=c.team, **{k: Decimal(v) for k, v in entry.get("targets", {}).items()}
        )
        figures = fidelity_figures.fidelity(
            c.team, c.snapshot, target, suppress=False, workers=entry.get("workers")
        )
        for f in figures:
            text, met = f.text, f.met
            if decision is not None:
                if f.key in KINDS:
                    text = decision.text(f"c{i}", f.key, KINDS[f.key])
                elif suppression.is_hidden(decision.text(f"c{i}", "caseload_end", fmt.COUNT)):
                    text = suppression.SECONDARY
                if suppression.is_hidden(text) or fmt.is_suppressed(text):
                    met = None
            row = rows.setdefault(f.key, {"label": f.label, "target": f.target_text, "cells": []})
            band = _("no figure") if met is None else (_("met") if met else _("not met"))
            row["cells"].append({"text": text, "band": band, "met": met})
    return {"teams": [c.label for _i, c in teams], "rows": list(rows.values())}


def trend_as_of(entry: dict[str, Any]) -> date | None:
    """The day a trend period's figures stop at when before the period's end (else None).

    Trends copied before `as_of` was kept say when they were computed: a period whose last day
    was after that day was still running.
    """
    last = Period.parse(entry["period"]).last
    if entry.get("as_of"):
        as_of = date.fromisoformat(entry["as_of"])
    elif entry.get("computed_at"):
        as_of = timezone.localdate(datetime.fromisoformat(entry["computed_at"]))
    else:
        return None
    return as_of if as_of < last else None


def to_date_text(as_of: date) -> str:
    """The label of figures of a period that had not ended: "to date, as of 2026-12-01"."""
    return _("to date, as of %(day)s") % {"day": formats.date_format(as_of, "SHORT_DATE_FORMAT")}


def trend_header(column: dict[str, Any]) -> str:
    """A trend period as a CSV header: the period, and "to date, as of …" when unfinished."""
    if column["as_of"] is None:
        return column["period"]
    return f"{column['period']} ({to_date_text(column['as_of'])})"


def _chart(raw: list[Any], texts: list[str], columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bars of a small SVG chart (viewBox 250×150); hidden or empty values draw no bar."""
    shown = []
    for value, text in zip(raw, texts, strict=True):
        hidden = value is None or suppression.is_hidden(text) or text == fmt.EMPTY
        shown.append((None if hidden else float(value), text))
    top = max((v for v, _t in shown if v is not None), default=0) or 1
    bars = []
    for i, (v, t) in enumerate(shown):
        height = 0.0 if v is None else round(100 * v / top, 1)
        bars.append(
            {
                "x": str(10 + 60 * i),
                "y": str(round(110 - height, 1)),
                "height": str(height),
                "mid": str(30 + 60 * i),
                "text_y": str(round(min(106, 110 - height - 3), 1)),
                "text": t,
                "period": columns[i]["period"],
                "to_date": columns[i]["as_of"] is not None,
            }
        )
    return bars


def report_csv(report: Report) -> bytes:
    """Return the report's figures as CSV (UTF-8 with a BOM for Excel), suppressed."""
    content = report_content(report, suppress=True)
    out = io.StringIO()
    writer = csv_writer(out)  # names that start a formula are escaped
    scopes = [c.label for c in content.columns]
    writer.writerow([_("Municipality"), str(report.municipality)])
    writer.writerow([_("Period"), report.period])
    writer.writerow([_("Report version"), report.version, report.get_status_display()])
    for c in content.columns:
        writer.writerow(
            [
                _("Snapshot"),
                c.label,
                f"v{c.snapshot.version}",
                timezone.localtime(c.snapshot.computed_at).isoformat(timespec="minutes"),
                to_date_text(c.snapshot.as_of) if c.snapshot.is_to_date else "",
            ]
        )
    writer.writerow([])
    writer.writerow([_("Section"), _("Indicator"), _("Key"), *scopes])
    for section in content.sections:
        for row in section["rows"]:
            writer.writerow([section["title"], row["label"], row["key"], *row["cells"]])
    for b in content.breakdowns:
        for row in b["rows"]:
            writer.writerow([b["title"], row["label"], f"{b['key']}.{row['name']}", *row["cells"]])
    if content.exit_survey["rows"]:
        writer.writerow([])
        writer.writerow(
            [_("Exit survey"), _("Question"), _("Key"), *content.exit_survey["answers"]]
        )
        for row in content.exit_survey["rows"]:
            cells = row["cells"] if row["enough"] else [_("fewer than 5 answers")]
            writer.writerow([str(report.municipality), row["label"], f"exit.{row['key']}", *cells])
    if content.fidelity["rows"]:
        writer.writerow([])
        writer.writerow([_("Fidelity"), _("Figure"), _("Target"), *content.fidelity["teams"]])
        for row in content.fidelity["rows"]:
            writer.writerow(
                [
                    _("Fidelity"),
                    row["label"],
                    row["target"],
                    *(f"{c['text']} ({c['band']})" for c in row["cells"]),
                ]
            )
    writer.writerow([])
    writer.writerow(
        [_("Trend"), _("Indicator"), _("Key"), *(trend_header(c) for c in content.trend_columns)]
    )
    for row in content.trend:
        writer.writerow(
            [str(report.municipality), row["label"], f"trend.{row['key']}", *row["cells"]]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Writes ----------------------------------------------------------------------------------


def _refuse_if_published(report: Report) -> None:
    if report.is_published:
        raise ReportFrozen(
            _(
                "This report is published and cannot be changed. "
                "Start a correction to make a new version."
            ),
            code="report_published",
        )


def _refresh_figures(report: Report) -> None:
    period = Period.parse(report.period)
    municipality = report.municipality
    snaps = [services.snapshot_compute(period=period, scope=Scope.municipality(municipality.slug))]
    for slug in municipality.teams.order_by("slug").values_list("slug", flat=True):
        snaps.append(services.snapshot_compute(period=period, scope=Scope.team(slug)))
    trend = []
    for q in trend_periods(period):
        scope = Scope.municipality(municipality.slug)
        # Drafting or refreshing is a POST: a quarter without a snapshot is computed here.
        snap = services.snapshot_latest(period=q, scope=scope) or services.snapshot_compute(
            period=q, scope=scope
        )
        trend.append(
            {
                "period": str(q),
                "version": snap.version,
                "status": snap.status,
                "computed_at": snap.computed_at.isoformat(),
                "as_of": snap.as_of.isoformat(),
                "values": snap.values,
            }
        )
    report.trend = trend
    report.extras = {
        "exit_survey": _exit_survey_counts_now(municipality, period),
        "fidelity": {str(snap.team_id): _fidelity_inputs(snap) for snap in snaps if snap.team_id},
    }
    report.figures_refreshed_at = timezone.now()
    report.save(update_fields=["trend", "extras", "figures_refreshed_at", "updated_at"])
    report.snapshots.set(snaps)
    report.documents.all().delete()


def _exit_survey_counts_now(municipality: Municipality, period: Period) -> dict[str, Any]:
    """Item → answer → count over the municipality's exit surveys of the period's months."""
    surveys = ExitSurvey.objects.filter(
        municipality=municipality, month__gte=period.first, month__lte=period.last
    )
    counts: dict[str, dict[str, int]] = {item: {} for item in EXIT_SURVEY_ITEMS}
    for item in EXIT_SURVEY_ITEMS:
        for answer, n in (
            surveys.exclude(**{item: ""}).values_list(item).annotate(n=Count("pk")).order_by()
        ):
            counts[item][answer] = n
    return counts


def _fidelity_inputs(snapshot: IndicatorSnapshot) -> dict[str, Any]:
    """What a team's fidelity figures need besides the snapshot: its targets and workers."""
    target = fidelity_figures.target_for(snapshot.team)
    return {
        "workers": fidelity_figures.active_workers(snapshot.team, snapshot),
        "targets": {
            f.name: str(getattr(target, f.name))
            for f in FidelityTarget._meta.concrete_fields
            if f.name not in ("id", "team")
        },
    }


@transaction.atomic
def report_draft(
    *,
    municipality: Municipality,
    period: Period,
    origin: Origin,
    actor: User | None = None,
    skip_if_published: bool = False,
) -> Report | None:
    """Create (or refresh) the draft report of a municipality and period; return it.

    Idempotent: the period's draft is refreshed in place. When the period already has a
    published report, a new draft version is started (a correction), unless `skip_if_published`
    (the monthly beat task), which then returns None.
    """
    draft = (
        Report.objects.select_for_update()
        .filter(municipality=municipality, period=str(period), status=Report.Status.DRAFT)
        .first()
    )
    if draft is None:
        existing = Report.objects.filter(municipality=municipality, period=str(period))
        latest = existing.order_by("-version").first()
        if latest is not None and skip_if_published:
            return None
        draft = Report(
            municipality=municipality,
            period=str(period),
            period_first=period.first,
            period_last=period.last,
            version=(existing.aggregate(v=Max("version"))["v"] or 0) + 1,
        )
        if latest is not None:
            draft.went_well = latest.went_well
            draft.problems_with_services = latest.problems_with_services
            draft.requests_to_municipality = latest.requests_to_municipality
        draft.full_clean()
        draft.save()
        audit.record(
            actor=actor,
            action="report.create",
            target=draft,
            origin=origin,
            detail={"period": draft.period, "version": draft.version},
        )
    _refresh_figures(draft)
    return draft


@transaction.atomic
def report_refresh(*, report: Report, origin: Origin, actor: User | None = None) -> Report:
    """Recompute the figures of a draft report (refused for a published one)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_if_published(report)
    _refresh_figures(report)
    audit.record(actor=actor, action="report.refresh", target=report, origin=origin)
    return report


@transaction.atomic
def report_update(
    *,
    report: Report,
    actor: User,
    origin: Origin,
    went_well: str,
    problems_with_services: str,
    requests_to_municipality: str,
    what_changed: str = "",
) -> Report:
    """Change the narrative of a draft report (refused for a published one)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_if_published(report)
    report.went_well = went_well.strip()
    report.problems_with_services = problems_with_services.strip()
    report.requests_to_municipality = requests_to_municipality.strip()
    report.what_changed = what_changed.strip()
    report.full_clean()
    report.save()
    report.documents.all().delete()
    audit.record(actor=actor, action="report.update", target=report, origin=origin)
    return report


@transaction.atomic
def report_publish(*, report: Report, actor: User, origin: Origin) -> Report:
    """Publish a draft report and the snapshots it renders; from then on both are frozen."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_if_published(report)
    if report.version > 1 and not report.what_changed.strip():
        raise ValidationError(
            {"what_changed": _("A correction must say what changed from the published version.")},
            code="correction_without_reason",
        )
    if report.period_last >= timezone.localdate():
        raise ValidationError(
            _("A period can be published once it has ended (after %(day)s).")
            % {"day": formats.date_format(report.period_last, "SHORT_DATE_FORMAT")},
            code="period_not_ended",
        )
    if report.figures_refreshed_at is None or not report.snapshots.exists():
        raise ValidationError(_("The report has no figures yet."), code="report_without_figures")
    for snap in report.snapshots.filter(status=IndicatorSnapshot.Status.DRAFT):
        services.snapshot_publish(snapshot=snap, actor=actor, origin=origin)
    report.status = Report.Status.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor
    report.full_clean()
    report.save()
    report.documents.all().delete()
    audit.record(
        actor=actor,
        action="report.publish",
        target=report,
        origin=origin,
        detail={
            "period": report.period,
            "version": report.version,
            "snapshots": sorted(report.snapshots.values_list("pk", flat=True)),
        },
    )
    return report


def computed_at(report: Report) -> datetime | None:
    """When the figures the report shows were computed (the latest of its snapshots)."""
    return max((s.computed_at for s in report.snapshots.all()), default=None)
