"""Reads of care plans, always for a given user, with their related rows fetched up front.

For the outreach caseload (which cannot import this app) the same facts are reachable with ORM
lookups by relation name from `Client`:

- `episodes__careplan__version`, `episodes__careplan__updated_at`: the plan and its version;
- `Exists(PlanAgreement)` ≈ `plan_agreements__agreed_on` (Max gives the last agreement date;
  none means the month-0 "first plan" is still due on `episodes__started_on`);
- `Max("episodes__careplan__reviews__month")`: the last review month held (3, 6, 9...); the
  next one is due at that month + 3 after `episodes__started_on`, clamped to the month end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from careplans.models import Action, CarePlan, Goal, PlanAgreement, PlanReview, PlanSignoff
from careplans.schedule import NextReview, next_review
from careplans.services import version_state
from outreach import access
from outreach.models import Client, Episode, Team, User


def careplan_list(*, user: User, reading: bool = False) -> QuerySet[CarePlan]:
    """Plans of the clients the user may open; `reading`: also those of an emergency grant.

    Only pages that change nothing pass `reading=True`.
    """
    if not reading:
        qs = access.scoped(CarePlan.objects.all(), user, via="episode__client")
    else:
        qs = access.scoped_readable(CarePlan.objects.all(), user, via="episode__client").annotate(
            of_own_team=access.of_own_team(user, via="episode__client")
        )
    return qs.select_related(
        "episode__client__team", "episode__client__tandem", "episode__tandem", "updated_by"
    )


def careplan_get(*, user: User, pk: int, reading: bool = False) -> CarePlan:
    """One plan with everything its page shows; DoesNotExist for anyone who may not see it."""
    return (
        careplan_list(user=user, reading=reading)
        .select_related(
            "episode__client__tandem__professional",
            "episode__client__tandem__peer",
            "advance_statement",
        )
        .prefetch_related(
            Prefetch(
                "goals__actions",
                queryset=Action.objects.select_related("staff", "support_person", "done_by"),
            ),
            "advance_statement__crisis_contacts",
            "signoffs__user",
            "responses__recorded_by",
            "comments__recorded_by",
            "reviews__recorded_by",
            "agreements",
        )
        .get(pk=pk)
    )


def plan_next_review(plan: CarePlan, today: date) -> NextReview:
    """The next review of a plan whose agreements and reviews are prefetched."""
    return next_review(
        started_on=plan.episode.started_on,
        first_agreed=bool(plan.agreements.all()),
        reviewed_months=[r.month for r in plan.reviews.all()],
        today=today,
    )


@dataclass(frozen=True)
class ReviewRow:
    client: Client
    episode: Episode
    plan: CarePlan | None
    next: NextReview


def reviews_due(
    *,
    user: User,
    today: date,
    team: Team | None = None,
    mine: bool = False,
    clients: QuerySet[Client] | None = None,
    statuses: tuple[str, ...] = ("due", "overdue"),
) -> list[ReviewRow]:
    """Open episodes of visible clients whose next review (or first plan) is due or overdue."""
    episodes = (
        access.scoped(Episode.objects.filter(ended_on__isnull=True), user, via="client")
        .select_related("client__team", "client__tandem")
        .order_by("started_on", "pk")
    )
    if team is not None:
        episodes = episodes.filter(client__team=team)
    if mine:
        episodes = episodes.filter(client__tandem__in=user.tandems_as_professional.all()) | (
            episodes.filter(client__tandem__in=user.tandems_as_peer.all())
        )
    if clients is not None:
        episodes = episodes.filter(client__in=clients.values("pk"))
    episodes = list(episodes)
    plans = {
        p.episode_id: p
        for p in CarePlan.objects.filter(episode__in=[e.pk for e in episodes]).prefetch_related(
            Prefetch("agreements", queryset=PlanAgreement.objects.only("pk", "careplan_id")),
            Prefetch("reviews", queryset=PlanReview.objects.only("pk", "careplan_id", "month")),
        )
    }
    rows = []
    for episode in episodes:
        plan = plans.get(episode.pk)
        if plan is None:
            nxt = next_review(
                started_on=episode.started_on, first_agreed=False, reviewed_months=(), today=today
            )
        else:
            plan.episode = episode
            nxt = plan_next_review(plan, today)
        if nxt.status in statuses:
            rows.append(ReviewRow(client=episode.client, episode=episode, plan=plan, next=nxt))
    rows.sort(key=lambda r: r.next.due_on)
    return rows


def client_plan(*, user: User, client: Client, reading: bool = False) -> CarePlan | None:
    """The plan of the client's current (latest open) episode, if there is one."""
    return (
        careplan_list(user=user, reading=reading)
        .filter(episode__client=client, episode__ended_on__isnull=True)
        .prefetch_related("agreements", "reviews", "signoffs", "responses")
        .order_by("-episode__started_on")
        .first()
    )


@dataclass(frozen=True)
class SignatureDue:
    plan: CarePlan
    missing: list[User]  # tandem members asked for, who have not signed the current version


def plans_awaiting_signature(
    *, user: User, signers: set[int], clients: QuerySet[Client] | None = None
) -> list[SignatureDue]:
    """Current plans of open episodes whose current version one of `signers` has not signed.

    Only the members of the client's tandem sign, so a signer outside the tandem is never
    asked. Two queries: the plans with their tandems, and their sign-offs.
    """
    plans = (
        careplan_list(user=user)
        .filter(episode__ended_on__isnull=True, episode__client__tandem__isnull=False)
        .filter(
            Q(episode__client__tandem__professional__in=signers)
            | Q(episode__client__tandem__peer__in=signers)
        )
        .select_related("episode__client__tandem__professional", "episode__client__tandem__peer")
        .prefetch_related(
            Prefetch(
                "signoffs", queryset=PlanSignoff.objects.only("careplan_id", "plan_version", "user")
            )
        )
        .order_by("updated_at", "pk")
    )
    if clients is not None:
        plans = plans.filter(episode__client__in=clients.values("pk"))
    rows = []
    for plan in plans:
        tandem = plan.client.tandem
        # The same rule as the plan page's sign-off card (no response needed here).
        unsigned = version_state(plan, plan.signoffs.all(), ())["missing"]
        missing = [m for m in (tandem.professional, tandem.peer) if m.pk in unsigned & signers]
        if missing:
            rows.append(SignatureDue(plan=plan, missing=missing))
    return rows


# Goals the client is no longer working on: their actions are never due.
CLOSED_GOALS = (Goal.Status.ACHIEVED, Goal.Status.DROPPED)


def actions_due(*, user: User, staff: set[int], until: date) -> QuerySet[Action]:
    """Plan actions of open episodes with one of `staff` as "who", not done, due by `until`."""
    return (
        access.scoped(Action.objects.all(), user, via="goal__careplan__episode__client")
        .filter(
            who=Action.Who.TANDEM,
            staff__in=staff,
            done_on__isnull=True,
            due_on__isnull=False,
            due_on__lte=until,
            goal__careplan__episode__ended_on__isnull=True,
        )
        .exclude(goal__status__in=CLOSED_GOALS)
        .select_related("goal__careplan__episode__client", "staff")
        .order_by("due_on", "pk")
    )
