"""Reads of the case record's events, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.access import scoped, scoped_readable
from outreach.models import (
    SEEN_CONTACT,
    AdverseEvent,
    AgencyRequest,
    CaseAgency,
    CaseConference,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Debrief,
    Discharge,
    Episode,
    ExitSurvey,
    FollowUpAction,
    HospitalStay,
    LifeDomain,
    Milestone,
    Relapse,
    Responsibility,
    Team,
    User,
)

AGENCY_REQUEST_OPEN_DAYS = 30
# Follow-up after a hospital discharge (INDICATORS.md, "Continuity of care and safety"): a seen
# contact dated from the discharge day to 3 days after (72 hours, counted in dates) is on time;
# after 7 days without one the follow-up is overdue.
DISCHARGE_FOLLOWUP_DUE_DAYS = 3
DISCHARGE_FOLLOWUP_OVERDUE_DAYS = 7


def _limit(
    qs: QuerySet,
    via: str,
    team: Team | None,
    mine: bool,
    user: User,
    clients: QuerySet[Client] | None = None,
) -> QuerySet:
    if team is not None:
        qs = qs.filter(**{f"{via}__team": team})
    if mine:
        qs = qs.filter(
            Q(**{f"{via}__tandem__professional": user}) | Q(**{f"{via}__tandem__peer": user})
        )
    if clients is not None:
        qs = qs.filter(**{f"{via}__in": clients.values("pk")})
    return qs


def debriefs_pending(
    *,
    user: User,
    team: Team | None = None,
    mine: bool = False,
    clients: QuerySet[Client] | None = None,
) -> QuerySet[CoerciveMeasure]:
    """Coercive measures without a debrief yet, from the day they are recorded, oldest first.

    Read from the measure itself, so imported measures (which have no debrief row) count too;
    `measure.debrief_due_on` gives the due date and `measure.debrief_overdue(today)` says
    whether it has passed.
    """
    qs = scoped(CoerciveMeasure.objects.all(), user, via="client").filter(debriefed_on__isnull=True)
    qs = _limit(qs, "client", team, mine, user, clients)
    return qs.select_related("client").order_by("started_at", "pk")


def debriefs_overdue(
    *,
    user: User,
    team: Team | None = None,
    mine: bool = False,
    clients: QuerySet[Client] | None = None,
    today: date | None = None,
) -> QuerySet[CoerciveMeasure]:
    """The pending debriefs not held within 14 days (overdue from day 15), oldest first."""
    today = today or timezone.localdate()
    # Overdue when local date + 14 < today (`debrief_overdue`), i.e. the measure started
    # before the local midnight that opened the day today − 14.
    cutoff = timezone.make_aware(
        datetime.combine(today - timedelta(days=Debrief.DUE_DAYS), time.min)
    )
    pending = debriefs_pending(user=user, team=team, mine=mine, clients=clients)
    return pending.filter(started_at__lt=cutoff)


def debrief_flags_by_client(
    *, user: User, client_ids: list[int], today: date | None = None
) -> dict[int, dict[str, int]]:
    """For a caseload: per client, the number of overdue debriefs and of requests open 30+ days."""
    flags: dict[int, dict[str, int]] = {}
    overdue = debriefs_overdue(user=user, today=today).filter(client_id__in=client_ids)
    for client_id in overdue.values_list("client_id", flat=True):
        flags.setdefault(client_id, {"debriefs_overdue": 0, "requests_open": 0})
        flags[client_id]["debriefs_overdue"] += 1
    requests = agency_requests_open(user=user, today=today).filter(client_id__in=client_ids)
    for client_id in requests.values_list("client_id", flat=True):
        flags.setdefault(client_id, {"debriefs_overdue": 0, "requests_open": 0})
        flags[client_id]["requests_open"] += 1
    return flags


def agency_requests_open(
    *,
    user: User,
    team: Team | None = None,
    mine: bool = False,
    older_than_days: int = AGENCY_REQUEST_OPEN_DAYS,
    clients: QuerySet[Client] | None = None,
    today: date | None = None,
) -> QuerySet[AgencyRequest]:
    """Requests without a response, sent `older_than_days` or more days ago, oldest first."""
    today = today or timezone.localdate()
    qs = scoped(AgencyRequest.objects.all(), user, via="client").filter(
        responded_on__isnull=True, sent_on__lte=today - timedelta(days=older_than_days)
    )
    qs = _limit(qs, "client", team, mine, user, clients)
    return qs.select_related("client").order_by("sent_on", "pk")


@dataclass(frozen=True)
class DischargeFollowUp:
    """A client discharged from hospital and not seen face to face since."""

    stay: HospitalStay
    today: date

    @property
    def client(self) -> Client:
        return self.stay.client

    @property
    def discharged_on(self) -> date:
        return self.stay.discharged_on

    @property
    def due_on(self) -> date:
        """The last day of the 72-hour window."""
        return self.discharged_on + timedelta(days=DISCHARGE_FOLLOWUP_DUE_DAYS)

    @property
    def overdue_on(self) -> date:
        """The first day the follow-up is overdue."""
        return self.discharged_on + timedelta(days=DISCHARGE_FOLLOWUP_OVERDUE_DAYS + 1)

    @property
    def days(self) -> int:
        return (self.today - self.discharged_on).days

    @property
    def late(self) -> bool:
        """The 72-hour window has passed."""
        return self.today > self.due_on

    @property
    def overdue(self) -> bool:
        return self.today >= self.overdue_on


def discharge_followups_due(
    *,
    user: User,
    team: Team | None = None,
    mine: bool = False,
    clients: QuerySet[Client] | None = None,
    today: date | None = None,
) -> list[DischargeFollowUp]:
    """Clients in care discharged from hospital without a seen contact dated on or after it.

    One row per client (their latest discharge), oldest discharge first; one query. A stay
    recorded before intake is history, not a discharge to follow up.
    """
    today = today or timezone.localdate()
    seen_since = Contact.objects.filter(
        SEEN_CONTACT, client=OuterRef("client"), started_at__date__gte=OuterRef("discharged_on")
    )
    in_care = Episode.objects.filter(client=OuterRef("client"), ended_on__isnull=True)
    qs = (
        scoped(HospitalStay.objects.all(), user, via="client")
        .filter(pre_intake=False, discharged_on__isnull=False, discharged_on__lte=today)
        .filter(Exists(in_care))
        .exclude(Exists(seen_since))
    )
    qs = _limit(qs, "client", team, mine, user, clients)
    latest: dict[int, HospitalStay] = {}
    for stay in qs.select_related("client").order_by("discharged_on", "pk"):
        latest[stay.client_id] = stay
    rows = [DischargeFollowUp(stay=s, today=today) for s in latest.values()]
    return sorted(rows, key=lambda r: (r.discharged_on, r.stay.pk))


def followups_open(
    *,
    user: User,
    owners: set[int],
    clients: QuerySet[Client] | None = None,
    until: date,
) -> QuerySet[FollowUpAction]:
    """Case-conference follow-ups not done, due by `until`, with one of `owners` as owner.

    A follow-up with no staff owner (an agency, the client) counts for the tandem of the
    conference's client when `clients` holds that client.
    """
    qs = scoped(FollowUpAction.objects.all(), user, via="conference__client").filter(
        done_on__isnull=True, due_on__isnull=False, due_on__lte=until
    )
    mine = Q(owner_user__in=owners)
    if clients is not None:
        mine |= Q(owner_user__isnull=True, conference__client__in=clients.values("pk"))
    return qs.filter(mine).select_related("conference__client").order_by("due_on", "pk")


@dataclass(frozen=True)
class Event:
    kind: str  # template switch: stay, measure, crisis, relapse, adverse, request, ...
    when: date | datetime
    obj: Any

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return timezone.localtime(self.when).replace(tzinfo=None)
        return datetime.combine(self.when, time.max)

    @property
    def is_datetime(self) -> bool:
        return isinstance(self.when, datetime)


@dataclass
class ClientEvents:
    events: list[Event]
    baseline_stays: list[HospitalStay]
    agencies: list[CaseAgency]
    matrix: list[tuple[str, list[Responsibility]]]
    debriefs_due: list[CoerciveMeasure]
    requests_open: list[AgencyRequest]
    open_episode: Episode | None
    today: date
    discharge_followup: DischargeFollowUp | None = None


def client_events(*, user: User, client: Client, today: date | None = None) -> ClientEvents:
    """Every event of the client, newest first, in a number of queries that does not grow."""
    today = today or timezone.localdate()

    def mine(model):
        return scoped_readable(model.objects.filter(client=client), user, via="client")

    staff_only = User.objects.only("id", "first_name", "last_name", "username")
    stays = list(mine(HospitalStay).select_related("legal_basis"))
    measures = list(
        mine(CoerciveMeasure).select_related(
            "legal_basis", "debrief", "debrief__done_by", "hospital_stay"
        )
    )
    crises = list(mine(Crisis).prefetch_related(Prefetch("mobilised_staff", queryset=staff_only)))
    relapses = list(mine(Relapse).select_related("crisis", "hospital_stay"))
    adverse = list(mine(AdverseEvent))
    requests = list(mine(AgencyRequest).select_related("case_agency"))
    conferences = list(
        mine(CaseConference).prefetch_related(
            Prefetch("staff", queryset=staff_only),
            "support_people",
            "agencies",
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("done_by")),
        )
    )
    milestones = list(mine(Milestone))
    discharges = list(
        scoped_readable(
            Discharge.objects.filter(episode__client=client), user, via="episode__client"
        ).select_related("episode", "recorded_by")
    )
    agencies = list(mine(CaseAgency))
    responsibilities = list(mine(Responsibility).select_related("agency"))

    events: list[Event] = []
    events += [Event("stay", s.admitted_on, s) for s in stays if not s.pre_intake]
    events += [Event("measure", m.started_at, m) for m in measures]
    events += [Event("crisis", c.reported_at, c) for c in crises]
    events += [Event("relapse", r.onset_on, r) for r in relapses]
    events += [Event("adverse", a.occurred_on, a) for a in adverse]
    events += [Event("request", r.sent_on, r) for r in requests]
    events += [Event("conference", c.held_on, c) for c in conferences]
    events += [Event("milestone", m.achieved_on, m) for m in milestones]
    events += [Event("discharge", d.episode.ended_on, d) for d in discharges if d.episode.ended_on]
    events.sort(key=lambda e: (e.sort_key, e.obj.pk), reverse=True)

    by_domain: dict[str, list[Responsibility]] = {}
    for r in responsibilities:
        by_domain.setdefault(r.domain, []).append(r)
    matrix = [
        (label, by_domain[value]) for value, label in LifeDomain.choices if value in by_domain
    ]
    open_since = today - timedelta(days=AGENCY_REQUEST_OPEN_DAYS)
    debriefs_due = sorted(
        (m for m in measures if m.debriefed_on is None), key=lambda m: m.started_at
    )
    return ClientEvents(
        events=events,
        baseline_stays=[s for s in stays if s.pre_intake],
        agencies=agencies,
        matrix=matrix,
        debriefs_due=debriefs_due,
        requests_open=[r for r in requests if r.responded_on is None and r.sent_on <= open_since],
        open_episode=scoped(
            Episode.objects.filter(client=client, ended_on__isnull=True), user, via="client"
        )
        .order_by("-started_on")
        .first(),
        today=today,
        discharge_followup=next(
            iter(
                discharge_followups_due(
                    user=user, clients=Client.objects.filter(pk=client.pk), today=today
                )
            ),
            None,
        ),
    )


EXIT_SURVEY_QUESTIONS = (
    "coercion_experienced",
    "felt_respected",
    "advance_statement_upheld",
    "peer_support_offered",
    "community_inclusion",
)


def exit_survey_counts(
    *, municipality_ids: list[int], first_month: date, last_month: date
) -> dict[str, Any]:
    """Aggregate exit-survey answers of whole months (no client can be reached from them).

    Returns {"n": surveys, question: {answer: count}}; report rules (<5) are the caller's.
    """
    qs = ExitSurvey.objects.filter(
        municipality_id__in=municipality_ids,
        month__gte=first_month.replace(day=1),
        month__lte=last_month.replace(day=1),
    )
    result: dict[str, Any] = {"n": qs.count()}
    for question in EXIT_SURVEY_QUESTIONS:
        counts = {answer: 0 for answer in ExitSurvey.Answer.values}
        for row in qs.exclude(**{question: ""}).values(question).annotate(n=Count("pk")):
            counts[row[question]] = row["n"]
        result[question] = counts
    return result


# How far back an event still counts as a risk to show at the top of the client page.
RISK_DAYS = 90
RISK_ADVERSE_KINDS = ("self_harm", "suicide_attempt", "police_involvement", "arrest", "eviction")


@dataclass(frozen=True)
class RiskAlert:
    kind: str  # in_hospital, crisis, measure, or an adverse event's kind
    label: str
    on: date
    danger: bool


def risk_alerts(data: ClientEvents) -> list[RiskAlert]:
    """What the tandem must know before they go: a stay not ended, and crises, coercive
    measures and serious adverse events of the last RISK_DAYS days (from events already read)."""
    since = data.today - timedelta(days=RISK_DAYS)
    alerts: list[RiskAlert] = []
    for e in data.events:
        day = e.sort_key.date()
        if e.kind == "stay" and e.obj.discharged_on is None:
            alerts.append(RiskAlert("in_hospital", _("In hospital since"), e.obj.admitted_on, True))
        elif day < since:
            continue
        elif e.kind == "crisis":
            alerts.append(RiskAlert("crisis", _("Crisis"), day, True))
        elif e.kind == "measure":
            alerts.append(RiskAlert("measure", str(e.obj.get_kind_display()), day, True))
        elif e.kind == "adverse" and e.obj.kind in RISK_ADVERSE_KINDS:
            danger = e.obj.kind in ("self_harm", "suicide_attempt")
            alerts.append(RiskAlert(e.obj.kind, str(e.obj.get_kind_display()), day, danger))
    return alerts
