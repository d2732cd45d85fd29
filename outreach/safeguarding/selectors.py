"""Reads of risk, supported decisions, guardianship, complaints and staff training.

Always given the user who asks, built on the access querysets (`outreach.access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from outreach.access import scoped, scoped_readable, team_workers, visible_teams
from outreach.caserecord.selectors import Event, RiskAlert
from outreach.dates import years_before
from outreach.models import (
    RIGHTS_BASED_KINDS,
    Client,
    Complaint,
    Crisis,
    Episode,
    GuardianshipStatus,
    HospitalStay,
    RiskAssessment,
    RiskDomain,
    RiskReviewReason,
    SupervisionSession,
    SupportedDecision,
    Team,
    Training,
    User,
)
from outreach.safeguarding.schedule import NextRiskReview, next_risk_review

# --- Risk --------------------------------------------------------------------------------


def risk_assessments(*, user: User, client: Client) -> list[RiskAssessment]:
    """Every version of the client's risk assessment, newest first, with domains and author."""
    return list(
        scoped_readable(RiskAssessment.objects.filter(client=client), user, via="client")
        .select_related("author", "crisis", "hospital_stay")
        .prefetch_related(Prefetch("domains", queryset=RiskDomain.objects.order_by("pk")))
        .order_by("-version")
    )


def current_risk(*, user: User, client: Client) -> RiskAssessment | None:
    """The latest version of the client's risk assessment (for the client page's alert)."""
    return (
        scoped_readable(RiskAssessment.objects.filter(client=client), user, via="client")
        .order_by("-version")
        .only("id", "client_id", "version", "assessed_on", "summary")
        .first()
    )


@dataclass(frozen=True)
class RiskReviewRow:
    client: Client
    episode: Episode
    next: NextRiskReview


def risk_reviews_due(
    *,
    user: User,
    today: date | None = None,
    team: Team | None = None,
    clients: QuerySet[Client] | None = None,
    statuses: tuple[str, ...] = ("due", "overdue"),
) -> list[RiskReviewRow]:
    """Open episodes whose next risk review (scheduled or after a crisis or admission) is due.

    Four queries whatever the number of clients: episodes, reviews, crises, admissions.
    """
    today = today or timezone.localdate()
    episodes = scoped(Episode.objects.filter(ended_on__isnull=True), user, via="client")
    if team is not None:
        episodes = episodes.filter(client__team=team)
    if clients is not None:
        episodes = episodes.filter(client__in=clients.values("pk"))
    # The latest open episode of each client is the one whose clock runs.
    latest: dict[int, Episode] = {}
    for episode in episodes.select_related("client").order_by("started_on", "pk"):
        latest[episode.client_id] = episode
    ids = list(latest)
    reviewed: dict[int, list[date]] = {}
    rows = (
        RiskAssessment.objects.filter(client_id__in=ids)
        .exclude(reason=RiskReviewReason.CORRECTION)
        .values_list("client_id", "assessed_on")
    )
    for client_id, day in rows:
        reviewed.setdefault(client_id, []).append(day)
    crises: dict[int, list[date]] = {}
    for client_id, moment in Crisis.objects.filter(client_id__in=ids).values_list(
        "client_id", "reported_at"
    ):
        crises.setdefault(client_id, []).append(timezone.localtime(moment).date())
    admissions: dict[int, list[date]] = {}
    for client_id, day in HospitalStay.objects.filter(
        client_id__in=ids, pre_intake=False
    ).values_list("client_id", "admitted_on"):
        admissions.setdefault(client_id, []).append(day)
    due = []
    for client_id, episode in latest.items():
        nxt = next_risk_review(
            started_on=episode.started_on,
            reviewed_on=reviewed.get(client_id, ()),
            crises_on=crises.get(client_id, ()),
            admitted_on=admissions.get(client_id, ()),
            today=today,
        )
        if nxt.status in statuses:
            due.append(RiskReviewRow(client=episode.client, episode=episode, next=nxt))
    due.sort(key=lambda r: (r.next.due_on, r.client.pk))
    return due


def client_risk_review(*, user: User, client: Client, today: date | None = None):
    """The client's next risk review whatever its status, or None without an open episode."""
    rows = risk_reviews_due(
        user=user,
        today=today,
        clients=Client.objects.filter(pk=client.pk),
        statuses=("upcoming", "due", "overdue"),
    )
    return rows[0].next if rows else None


# --- The client page ---------------------------------------------------------------------


@dataclass
class ClientSafeguarding:
    """What the client page shows of risk, decisions, guardianship and complaints."""

    current_risk: RiskAssessment | None
    next_risk_review: NextRiskReview | None
    guardianship: GuardianshipStatus | None
    complaints_open: int
    events: list[Event]


def client_safeguarding(
    *, user: User, client: Client, today: date | None = None
) -> ClientSafeguarding:
    """The alerts, cards and timeline events of the client page, in a constant number of queries."""
    versions = list(
        scoped_readable(RiskAssessment.objects.filter(client=client), user, via="client")
        .only("id", "client_id", "version", "assessed_on", "reason", "summary", "created_at")
        .order_by("-version")
    )
    decisions = supported_decisions(user=user, client=client)
    guardianship = guardianship_history(user=user, client=client)
    events = [Event("risk", v.assessed_on, v) for v in versions]
    events += [Event("decision", d.decided_on, d) for d in decisions]
    events += [Event("guardianship", g.since, g) for g in guardianship]
    # Complaints stay with the team: an emergency grant shows none.
    complaints = list(
        scoped(Complaint.objects.filter(client=client), user, via="client").only(
            "id", "client_id", "received_on", "about_kind", "about", "outcome", "closed_on"
        )
    )
    events += [Event("complaint", c.received_on, c) for c in complaints]
    return ClientSafeguarding(
        current_risk=versions[0] if versions else None,
        next_risk_review=client_risk_review(user=user, client=client, today=today),
        guardianship=current_guardianship(guardianship, today),
        complaints_open=sum(1 for c in complaints if c.is_open),
        events=events,
    )


@dataclass(frozen=True)
class RiskBanner:
    """The client page's one risk alert: what happened lately (a stay not ended, recent crises,
    coercive measures, adverse events) and the current risk plan's summary."""

    recent: list[RiskAlert]
    assessment: RiskAssessment | None

    @property
    def danger(self) -> bool:
        return any(alert.danger for alert in self.recent)

    def __bool__(self) -> bool:
        return bool(self.recent or self.assessment)


def risk_banner(*, safeguarding: ClientSafeguarding, recent: list[RiskAlert]) -> RiskBanner:
    """One risk alert from the events already read and the safeguarding already read."""
    return RiskBanner(recent=recent, assessment=safeguarding.current_risk)


# --- Supported decisions and guardianship ----------------------------------------------------


def supported_decisions(
    *, user: User, client: Client, limit: int | None = None
) -> list[SupportedDecision]:
    """The client's supported decisions, newest first, with who supported them."""
    qs = (
        scoped_readable(SupportedDecision.objects.filter(client=client), user, via="client")
        .select_related("support_person", "staff_supporter")
        .order_by("-decided_on", "-pk")
    )
    return list(qs[:limit] if limit else qs)


def guardianship_history(*, user: User, client: Client) -> list[GuardianshipStatus]:
    """The client's guardianship statuses, latest first (the first one in force is current)."""
    return list(
        scoped_readable(GuardianshipStatus.objects.filter(client=client), user, via="client")
        .select_related("guardian", "author")
        .order_by("-since", "-pk")
    )


def current_guardianship(
    history: list[GuardianshipStatus], today: date | None = None
) -> GuardianshipStatus | None:
    """The status in force today, from a history ordered latest first."""
    today = today or timezone.localdate()
    return next((s for s in history if s.since <= today), None)


@dataclass
class LegalCapacity:
    """What the advance statement shows of legal capacity: guardianship now, recent decisions."""

    guardianship: GuardianshipStatus | None
    decisions: list[SupportedDecision]


RECENT_DECISIONS = 3


def legal_capacity(*, user: User, client: Client) -> LegalCapacity:
    """The current guardianship status and the latest supported decisions (two queries)."""
    return LegalCapacity(
        guardianship=current_guardianship(guardianship_history(user=user, client=client)),
        decisions=supported_decisions(user=user, client=client, limit=RECENT_DECISIONS),
    )


# --- Complaints ------------------------------------------------------------------------------


def client_complaints(*, user: User, client: Client) -> list[Complaint]:
    """The client's complaints, open ones first, then newest first (the team's only)."""
    return sorted(
        scoped(Complaint.objects.filter(client=client), user, via="client")
        .select_related("author")
        .order_by("-received_on", "-pk"),
        key=lambda c: not c.is_open,
    )


def complaints_open(
    *, user: User, team: Team | None = None, clients: QuerySet[Client] | None = None
) -> QuerySet[Complaint]:
    """Complaints not closed yet of the clients the user may open, oldest first."""
    qs = scoped(Complaint.objects.filter(closed_on__isnull=True), user, via="client")
    if team is not None:
        qs = qs.filter(client__team=team)
    if clients is not None:
        qs = qs.filter(client__in=clients.values("pk"))
    return qs.select_related("client").order_by("received_on", "pk")


# --- Staff training and supervision ------------------------------------------------------------

TRAINED_WITHIN_YEARS = 2


def training_team(*, user: User, team_pk: int) -> Team | None:
    """The team, if the user sees its trainings (its workers and supervisors)."""
    return visible_teams(user).filter(pk=team_pk).first()


def team_trainings(*, user: User, team: Team) -> list[Training]:
    """The team's trainings, newest first, with who attended."""
    return list(
        Training.objects.filter(team__in=visible_teams(user), team=team)
        .prefetch_related(Prefetch("attendees", queryset=_people()))
        .order_by("-held_on", "-pk")
    )


def team_supervision_sessions(*, user: User, team: Team) -> list[SupervisionSession]:
    """The team's supervision sessions, newest first, with who took part."""
    return list(
        SupervisionSession.objects.filter(team__in=visible_teams(user), team=team)
        .prefetch_related(Prefetch("attendees", queryset=_people()))
        .order_by("-held_on", "-pk")
    )


def _people() -> QuerySet[User]:
    return User.objects.only("id", "first_name", "last_name", "username")


@dataclass(frozen=True)
class TrainedShare:
    """Staff of the team trained in rights-based approaches in the last two years."""

    trained: int
    staff: int
    since: date

    @property
    def percent(self) -> int | None:
        return round(100 * self.trained / self.staff) if self.staff else None


def rights_trained_share(*, team: Team | int, today: date | None = None) -> TrainedShare:
    """The team's active staff (workers and supervisors) who attended a training in a
    rights-based approach (WHO QualityRights and others) in the two years up to today."""
    today = today or timezone.localdate()
    since = years_before(today, TRAINED_WITHIN_YEARS)
    staff = team_workers(team)
    trained = staff.filter(
        trainings__kind__in=RIGHTS_BASED_KINDS,
        trainings__held_on__gte=since,
        trainings__held_on__lte=today,
    )
    counts = staff.aggregate(
        staff=Count("pk", distinct=True),
        trained=Count("pk", distinct=True, filter=Q(pk__in=trained.values("pk"))),
    )
    return TrainedShare(trained=counts["trained"], staff=counts["staff"], since=since)
