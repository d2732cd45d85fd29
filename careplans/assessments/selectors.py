"""Reads of assessments and the assessment clock, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from careplans.assessments import instruments as defs
from careplans.models import Assessment, Instrument
from outreach.access import scoped, visible_clients
from outreach.dates import add_months
from outreach.models import Client, Episode, User

# Months of an episode at which scheduled instruments are due (the review clock).
CLOCK = (
    (0, Assessment.Timepoint.BASELINE),
    (3, Assessment.Timepoint.MONTH_3),
    (6, Assessment.Timepoint.MONTH_6),
    (9, Assessment.Timepoint.MONTH_9),
)
# A due assessment turns overdue this many days after its due date.
OVERDUE_AFTER_DAYS = 14
# An assessment without a clock timepoint counts for a due date this many days before it.
EARLY_DAYS = 30
UNTIMED = ("", Assessment.Timepoint.OTHER, Assessment.Timepoint.FOLLOW_UP)


def due_dates(started_on: date, *, until: date | None = None) -> list[tuple[str, date]]:
    """The timepoints of the clock and their due dates for an episode started on `started_on`.

    Months 0, 3, 6 and 9; with `until`, also the follow-ups every three months after month 9
    (as for plan reviews) up to the first one after `until`.
    """
    schedule = [(timepoint, add_months(started_on, months)) for months, timepoint in CLOCK]
    if until is not None:
        months = CLOCK[-1][0] + 3
        while schedule[-1][1] <= until:
            schedule.append((Assessment.Timepoint.FOLLOW_UP, add_months(started_on, months)))
            months += 3
    return schedule


@dataclass(frozen=True)
class DueAssessment:
    client: Client
    instrument: Instrument
    timepoint: str
    due_on: date
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > OVERDUE_AFTER_DAYS

    @property
    def timepoint_label(self) -> str:
        return str(Assessment.Timepoint(self.timepoint).label)


def instruments_in_use(applies_to: str = Instrument.AppliesTo.CLIENT) -> list[Instrument]:
    """The newest active version of every instrument for clients (or for carers), by code."""
    latest: dict[str, Instrument] = {}
    for instrument in Instrument.objects.filter(active=True, applies_to=applies_to).order_by(
        "code", "pk"
    ):
        latest[instrument.code] = instrument
    # Instruments on the clock first: they are the ones the tandem is asked for.
    return sorted(latest.values(), key=lambda i: (not i.scheduled, i.code))


def instrument_for_use(
    code: str, applies_to: str = Instrument.AppliesTo.CLIENT
) -> Instrument | None:
    """The newest active version of the instrument with this code, for clients (or carers)."""
    return (
        Instrument.objects.filter(code=code, active=True, applies_to=applies_to)
        .order_by("-pk")
        .first()
    )


def _current_timepoint(started_on: date, today: date) -> tuple[str, date, date | None] | None:
    schedule = due_dates(started_on, until=today)
    current = None
    for index, (timepoint, due_on) in enumerate(schedule):
        if due_on <= today:
            following = schedule[index + 1][1] if index + 1 < len(schedule) else None
            current = (timepoint, due_on, following)
    return current


def _covers(
    row: dict, timepoint: str, due_on: date, next_due: date | None, started_on: date
) -> bool:
    if row["assessed_on"] < started_on:
        return False
    if row["timepoint"] == timepoint and timepoint != Assessment.Timepoint.FOLLOW_UP:
        return True
    if row["timepoint"] in UNTIMED:
        early = max(started_on, due_on - timedelta(days=EARLY_DAYS))
        return early <= row["assessed_on"] and (next_due is None or row["assessed_on"] < next_due)
    return False


def assessments_due(
    *,
    user: User,
    today: date | None = None,
    client: Client | None = None,
    clients: QuerySet[Client] | None = None,
    in_use: list[Instrument] | None = None,
) -> list[DueAssessment]:
    """Scheduled assessments due now for the user's clients in care (months 0/3/6/9, then 3-monthly).

    Only the current timepoint of each open episode is due: once month 6 arrives, a missed
    month-3 assessment is no longer asked for. Three queries, whatever the caseload size.
    """
    today = today or timezone.localdate()
    in_use = instruments_in_use() if in_use is None else in_use
    scheduled = [i for i in in_use if i.scheduled]
    if not scheduled:
        return []
    qs = visible_clients(user) if clients is None else clients & visible_clients(user)
    if client is not None:
        qs = qs.filter(pk=client.pk)
    open_episode = Episode.objects.filter(client=OuterRef("pk"), ended_on__isnull=True).order_by(
        "-started_on"
    )
    rows = list(
        qs.annotate(open_started_on=Subquery(open_episode.values("started_on")[:1]))
        .filter(open_started_on__isnull=False)
        .select_related("team")
        .order_by("family_name", "given_name", "pk")
    )
    if not rows:
        return []
    earliest = min(c.open_started_on for c in rows)
    done: dict[tuple[int, str], list[dict]] = {}
    for row in Assessment.objects.filter(
        client__in=[c.pk for c in rows],
        instrument__code__in=[i.code for i in scheduled],
        assessed_on__gte=earliest,
    ).values("client_id", "instrument__code", "timepoint", "assessed_on"):
        done.setdefault((row["client_id"], row["instrument__code"]), []).append(row)
    result = []
    for c in rows:
        current = _current_timepoint(c.open_started_on, today)
        if current is None:
            continue
        timepoint, due_on, next_due = current
        for instrument in scheduled:
            recorded = done.get((c.pk, instrument.code), [])
            if any(_covers(r, timepoint, due_on, next_due, c.open_started_on) for r in recorded):
                continue
            result.append(
                DueAssessment(
                    client=c,
                    instrument=instrument,
                    timepoint=timepoint,
                    due_on=due_on,
                    days_late=(today - due_on).days,
                )
            )
    return result


def suggested_timepoint(
    *, client: Client, instrument: Instrument, today: date | None = None
) -> str:
    """The clock's current timepoint if this instrument has not been recorded for it yet."""
    today = today or timezone.localdate()
    episode = client.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()
    if episode is None:
        return Assessment.Timepoint.OTHER
    current = _current_timepoint(episode.started_on, today)
    if current is None:
        return Assessment.Timepoint.OTHER
    timepoint = current[0]
    recorded = Assessment.objects.filter(
        client=client,
        instrument__code=instrument.code,
        timepoint=timepoint,
        assessed_on__gte=episode.started_on,
    ).exists()
    return Assessment.Timepoint.OTHER if recorded else timepoint


@dataclass
class InstrumentSeries:
    """One instrument's assessments of a client, oldest first, for 'scores over time'."""

    instrument: Instrument
    assessments: list[Assessment] = field(default_factory=list)
    sub_labels: dict[str, str] = field(default_factory=dict)
    score_range: tuple[int, int] | None = None

    @property
    def latest(self) -> Assessment:
        return self.assessments[-1]

    @property
    def change(self) -> Decimal | None:
        first, last = self.assessments[0], self.assessments[-1]
        if len(self.assessments) < 2 or first.score is None or last.score is None:
            return None
        return last.score - first.score


def assessment_list(*, user: User, client: Client) -> QuerySet[Assessment]:
    """The client's assessments, newest first, with instrument and author."""
    return (
        scoped(Assessment.objects.filter(client=client), user, via="client")
        .select_related("instrument", "author")
        .order_by("-assessed_on", "-pk")
    )


def assessment_series(*, user: User, client: Client) -> list[InstrumentSeries]:
    """The client's assessments grouped by instrument code, each group oldest first."""
    series: dict[str, InstrumentSeries] = {}
    for assessment in reversed(list(assessment_list(user=user, client=client))):
        code = assessment.instrument.code
        if code not in series:
            series[code] = InstrumentSeries(instrument=assessment.instrument)
        group = series[code]
        group.assessments.append(assessment)
        group.instrument = assessment.instrument
        group.sub_labels = defs.sub_score_labels(assessment.instrument.scoring)
        group.score_range = defs.score_range(
            assessment.instrument.items, assessment.instrument.scoring
        )
    for group in series.values():
        for assessment in group.assessments:
            assessment.sub_score_rows = [
                (group.sub_labels.get(code, code), Decimal(value))
                for code, value in assessment.scores.items()
            ]
    return list(series.values())


def assessment_get(*, user: User, client: Client, pk: int) -> Assessment:
    """One assessment of the client, or Assessment.DoesNotExist."""
    return assessment_list(user=user, client=client).get(pk=pk)
