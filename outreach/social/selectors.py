"""Reads of the client's living situation, carers and costs, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from outreach.access import scoped, scoped_readable
from outreach.caserecord.selectors import Event
from outreach.models import (
    Carer,
    CarerNeedsReview,
    Client,
    Contact,
    Episode,
    LivingDomain,
    LivingStatus,
    Spending,
    SupportPerson,
    Team,
    User,
)

# A status recorded within this many days after intake still describes the situation at intake
# (the first visits are often written up a few days later).
INTAKE_GRACE_DAYS = 30


@dataclass(frozen=True)
class DomainRow:
    """One domain of the living situation: the status at intake and the one in force now."""

    domain: str
    label: str
    at_intake: LivingStatus | None
    now: LivingStatus | None

    @property
    def changed(self) -> bool:
        return (
            self.at_intake is not None
            and self.now is not None
            and self.at_intake.status != self.now.status
        )


@dataclass(frozen=True)
class LivingSituation:
    intake_on: date | None
    rows: list[DomainRow]
    history: list[LivingStatus]


def status_at_intake(statuses: list[LivingStatus], intake_on: date | None) -> LivingStatus | None:
    """The status in force on the intake day; else the first recorded within 30 days after it.

    `statuses` are one domain's, oldest first. Before intake (still in engagement) there is none.
    """
    if intake_on is None:
        return None
    before = [s for s in statuses if s.since <= intake_on]
    if before:
        return before[-1]
    grace = intake_on + timedelta(days=INTAKE_GRACE_DAYS)
    return next((s for s in statuses if s.since <= grace), None)


def status_now(statuses: list[LivingStatus], today: date) -> LivingStatus | None:
    """The latest status in force today (`statuses` oldest first)."""
    current = [s for s in statuses if s.since <= today]
    return current[-1] if current else None


def living_situation(
    *, user: User, client: Client, intake_on: date | None, today: date | None = None
) -> LivingSituation:
    """The client's statuses per domain, intake against now, and the whole history (one query)."""
    today = today or timezone.localdate()
    statuses = list(
        scoped_readable(LivingStatus.objects.filter(client=client), user, via="client")
        .select_related("recorded_by")
        .order_by("since", "pk")
    )
    rows = []
    for value, label in LivingDomain.choices:
        mine = [s for s in statuses if s.domain == value]
        rows.append(
            DomainRow(
                domain=value,
                label=str(label),
                at_intake=status_at_intake(mine, intake_on),
                now=status_now(mine, today),
            )
        )
    return LivingSituation(intake_on=intake_on, rows=rows, history=statuses[::-1])


def intake_on(episodes) -> date | None:
    """The day the client's first episode started (None while in engagement)."""
    return min((e.started_on for e in episodes), default=None)


def timeline_events(*, living: LivingSituation) -> list[Event]:
    """Entries for the client's timeline: each dated status of the living situation."""
    return [Event("living", s.since, s) for s in living.history]


@dataclass(frozen=True)
class CarerReviewDue:
    """A carer whose needs review is due: first within a month of being recorded, then yearly."""

    carer: Carer
    last_review: date | None
    today: date

    @property
    def client(self) -> Client:
        return self.carer.client

    @property
    def due_on(self) -> date:
        return self.carer.review_due_on(self.last_review)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today


def _with_last_review(qs: QuerySet[Carer]) -> QuerySet[Carer]:
    return qs.annotate(last_review=Max("needs_reviews__reviewed_on"))


def carers_of(*, user: User, client: Client) -> list[Carer]:
    """The client's carers with their support person, latest review and reviews (two queries).

    Each carer carries `last_review` (a date or None), `review_due_on` and `latest_burden` (the
    last burden assessment's date, read across by relation name from careplans).
    """
    carers = list(
        _with_last_review(scoped_readable(Carer.objects.filter(client=client), user, via="client"))
        .annotate(latest_burden=Max("burden_assessments__assessed_on"))
        .select_related("support_person")
        .prefetch_related(
            Prefetch(
                "needs_reviews",
                queryset=CarerNeedsReview.objects.select_related("reviewed_by"),
            )
        )
    )
    for carer in carers:
        carer.next_review_on = carer.review_due_on(carer.last_review)
    return carers


def carer_reviews_due(
    *,
    user: User,
    clients: QuerySet[Client] | None = None,
    until: date | None = None,
    today: date | None = None,
) -> list[CarerReviewDue]:
    """Carers (not do-not-contact) whose needs review falls due by `until`, soonest first."""
    today = today or timezone.localdate()
    qs = scoped(Carer.objects.all(), user, via="client").exclude(
        support_person__involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    if clients is not None:
        qs = qs.filter(client__in=clients.values("pk"))
    rows = [
        CarerReviewDue(carer=c, last_review=c.last_review, today=today)
        for c in _with_last_review(qs).select_related("client", "support_person")
    ]
    if until is not None:
        rows = [r for r in rows if r.due_on <= until]
    return sorted(rows, key=lambda r: (r.due_on, r.carer.pk))


def carer_events(carers: list[Carer]) -> list[Event]:
    """Entries for the client's timeline: each carer's needs review."""
    return [Event("carer_review", r.reviewed_on, r) for c in carers for r in c.needs_reviews.all()]


def spendings_of(*, user: User, client: Client) -> list[Spending]:
    """The money spent for the client, newest first (one query)."""
    return list(
        scoped_readable(Spending.objects.filter(client=client), user, via="client").order_by(
            "-spent_on", "-pk"
        )
    )


def spending_events(spendings: list[Spending]) -> list[Event]:
    """Entries for the client's timeline: each spending."""
    return [Event("spending", s.spent_on, s) for s in spendings]


@dataclass(frozen=True)
class TeamCosts:
    """Travel and spending of one team's clients over a period, per client served."""

    team: Team
    start: date
    end: date
    clients_served: int
    contacts: int
    contacts_with_travel: int
    travel_minutes: int
    travel_km: Decimal
    spending: list[dict]  # {"currency", "purpose", "label", "amount", "clients"}, by amount

    def _per_client(self, value):
        if not self.clients_served:
            return None
        return (Decimal(value) / self.clients_served).quantize(Decimal("0.1"))

    @property
    def travel_minutes_per_client(self) -> Decimal | None:
        return self._per_client(self.travel_minutes)

    @property
    def travel_km_per_client(self) -> Decimal | None:
        return self._per_client(self.travel_km)

    @property
    def spending_totals(self) -> list[dict]:
        """Per currency: the total and the total per client served."""
        totals: dict[str, Decimal] = {}
        for row in self.spending:
            totals[row["currency"]] = totals.get(row["currency"], Decimal(0)) + row["amount"]
        return [
            {
                "currency": currency,
                "amount": amount,
                "per_client": (amount / self.clients_served).quantize(Decimal("0.01"))
                if self.clients_served
                else None,
            }
            for currency, amount in sorted(totals.items())
        ]


def team_costs(*, team: Team, start: date, end: date) -> TeamCosts:
    """The team's travel (per contact) and spending (per client) from `start` to `end`.

    Clients served are those with an episode of care active on at least one day of the period
    (INDICATORS.md, `clients_served`); contacts and spending count by their local date. Four
    queries. The caller has checked that the user may see the team's costs.
    """
    served = (
        Episode.objects.filter(client__team=team, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values("client")
        .distinct()
        .count()
    )
    first = timezone.make_aware(datetime.combine(start, time.min))
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    contacts = Contact.objects.filter(
        client__team=team, started_at__gte=first, started_at__lt=after
    )
    travel = contacts.aggregate(
        contacts=Count("pk"),
        with_travel=Count(
            "pk", filter=Q(travel_minutes__isnull=False) | Q(travel_km__isnull=False)
        ),
        minutes=Sum("travel_minutes"),
        km=Sum("travel_km"),
    )
    labels = dict(Spending.Purpose.choices)
    spending = [
        {**row, "label": str(labels.get(row["purpose"], row["purpose"]))}
        for row in Spending.objects.filter(
            client__team=team, spent_on__gte=start, spent_on__lte=end
        )
        .values("currency", "purpose")
        .annotate(amount=Sum("amount"), clients=Count("client", distinct=True))
        .order_by("currency", "-amount", "purpose")
    ]
    return TeamCosts(
        team=team,
        start=start,
        end=end,
        clients_served=served,
        contacts=travel["contacts"],
        contacts_with_travel=travel["with_travel"],
        travel_minutes=travel["minutes"] or 0,
        travel_km=travel["km"] or Decimal(0),
        spending=spending,
    )
