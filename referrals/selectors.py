"""Reads of referrals, always given the user who asks."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from outreach.access import visible_clients, visible_municipalities
from outreach.ages import AGE_BAND_LABELS, AGE_BANDS, age_band
from outreach.models import SEEN_CONTACT, Client, Contact, Episode, Sex, Team, User
from referrals.access import (
    can_triage,
    checkable_duplicates,
    place_offer_teams,
    triage_referrals,
    visible_referrals,
)
from referrals.matching import MATCH_FIELDS, duplicate_candidates, match_fields
from referrals.models import CheckStatus, DuplicateCheck, Referral, Status

OPEN_STATUSES = (Status.RECEIVED, Status.SCREENING)
UNDECIDED_STATUSES = (Status.RECEIVED, Status.SCREENING, Status.WAITLISTED)

_LIST_RELATED = ("municipality", "team", "submitted_by", "criteria_version")


def referral_list(*, user: User, status: str = "open") -> QuerySet[Referral]:
    """Referrals the user may see; triage roles filter by status ("open", "decided", "all")."""
    qs = visible_referrals(user).select_related(*_LIST_RELATED)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "decided":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if not can_triage(user):
        # A referrer follows what they sent: the newest first.
        return qs.order_by("-received_at", "-pk")
    # Open referrals: urgent first, then the highest score, then the longest waiting.
    return qs.order_by("-urgent", F("score").desc(nulls_last=True), "received_at", "pk")


def last_source(user: User) -> str | None:
    """The source the user gave on the last referral they submitted, if any."""
    return (
        Referral.objects.filter(submitted_by=user)
        .order_by("-received_at", "-pk")
        .values_list("source", flat=True)
        .first()
    )


def waiting_list(*, user: User, team: Team | None = None) -> QuerySet[Referral]:
    """The ranked waiting list: by score, then date received."""
    qs = triage_referrals(user).filter(status=Status.WAITLISTED).select_related(*_LIST_RELATED)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("team__name", F("score").desc(nulls_last=True), "received_at", "pk")


def team_load(*, user: User) -> list[Team]:
    """Teams of the user's municipalities with their open episodes (one query)."""
    open_eps = (
        Episode.objects.filter(client__team=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("client__team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Team.objects.filter(municipality__in=visible_municipalities(user).values("pk"))
        .annotate(open_episodes=Subquery(open_eps))
        .order_by("name")
    )


@dataclass
class DuplicateMatches:
    """Possible duplicates of a referral as one user may know them.

    `candidates`: clients the user may open, each with `in_care` and `matched` (labels of the
    fields that matched). Matches in teams the user may not open are reduced to `hold`, the one
    state of their teams' checks ("open" while any is unanswered or missing, else "same" if any
    found the person, else "different"; "" without such matches), and `hidden_ids`, which only
    the audit trail gets: never a name, code, team, count per team or field.
    """

    candidates: list[Client]
    hold: str
    hidden_ids: list[int]


def _labelled(referral: Referral, client: Client) -> Client:
    client.matched = [str(MATCH_FIELDS[f]) for f in match_fields(referral, client)]
    return client


def duplicate_matches(*, user: User, referral: Referral) -> DuplicateMatches:
    """Split the referral's possible duplicates into those `user` may see and a check state."""
    found = list(duplicate_candidates(referral))
    visible = set(
        visible_clients(user).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True)
    )
    hidden_teams = {c.team_id for c in found if c.pk not in visible}
    hold = ""
    if hidden_teams:
        states = dict(
            DuplicateCheck.objects.filter(referral=referral, team__in=hidden_teams).values_list(
                "team", "status"
            )
        )
        answers = [states.get(team, CheckStatus.OPEN) for team in hidden_teams]
        if CheckStatus.OPEN in answers:
            hold = CheckStatus.OPEN
        elif CheckStatus.SAME in answers:
            hold = CheckStatus.SAME
        else:
            hold = CheckStatus.DIFFERENT
    return DuplicateMatches(
        candidates=[_labelled(referral, c) for c in found if c.pk in visible],
        hold=str(hold),
        hidden_ids=[c.pk for c in found if c.pk not in visible],
    )


def duplicate_check_list(*, user: User, status: str = CheckStatus.OPEN) -> QuerySet[DuplicateCheck]:
    """The possible duplicates the user's teams are asked to check, of undecided referrals."""
    qs = checkable_duplicates(user).select_related(
        "referral__municipality", "referral__submitted_by", "team", "opened_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.filter(referral__status__in=UNDECIDED_STATUSES).order_by("opened_at", "pk")


def duplicate_check_candidates(*, user: User, check: DuplicateCheck) -> list[Client]:
    """The clients of the check's team who may be the referred person, for its supervisor."""
    found = duplicate_candidates(check.referral).filter(
        team=check.team_id, pk__in=visible_clients(user).values("pk")
    )
    return [_labelled(check.referral, c) for c in found]


@dataclass
class Clocks:
    to_decision: int | None
    first_attempt_at: datetime | None
    to_first_attempt: int | None
    first_seen_at: datetime | None
    to_first_seen: int | None


def _days(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return (timezone.localdate(end) - timezone.localdate(start)).days


def referral_clocks(referral: Referral) -> Clocks:
    """Received → decided, → first attempt (any contact), → first seen contact (dates compared)."""
    first_attempt = first_seen = None
    if referral.client_id:
        received_on = timezone.localdate(referral.received_at)
        contacts = Contact.objects.filter(
            client_id=referral.client_id, started_at__date__gte=received_on
        ).order_by("started_at")
        first_attempt = contacts.values_list("started_at", flat=True).first()
        first_seen = contacts.filter(SEEN_CONTACT).values_list("started_at", flat=True).first()
    return Clocks(
        to_decision=_days(referral.received_at, referral.decided_at),
        first_attempt_at=first_attempt,
        to_first_attempt=_days(referral.received_at, first_attempt),
        first_seen_at=first_seen,
        to_first_seen=_days(referral.received_at, first_seen),
    )


@dataclass
class FairnessRow:
    group: str
    label: str = ""
    received: int = 0
    accepted: int = 0
    declined: int = 0
    decision_days_median: float | None = None
    first_contact_days_median: float | None = None


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def fairness(*, user: User, first: date, last: date) -> dict[str, list[FairnessRow]]:
    """Referrals received in [first, last] by age band and by sex: counts and median days.

    Counts are SQL aggregates grouped by band; the medians come from one query of day pairs.
    """
    received_on = TruncDate("received_at")
    first_seen = (
        Contact.objects.filter(SEEN_CONTACT, client=OuterRef("client"))
        .filter(started_at__date__gte=OuterRef("received_on"))
        .order_by("started_at")
        .values("started_at")[:1]
    )
    qs = (
        triage_referrals(user)
        .annotate(received_on=received_on)
        .filter(received_on__gte=first, received_on__lte=last)
        .annotate(age_band=age_band(last, approximate_age="approximate_age"))
    )
    counts = {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(status=Status.ACCEPTED)),
        "declined": Count("pk", filter=Q(status=Status.DECLINED)),
    }
    result: dict[str, list[FairnessRow]] = {}
    pairs = list(
        qs.annotate(first_seen_at=Subquery(first_seen)).values_list(
            "age_band", "sex", "status", "received_at", "decided_at", "first_seen_at"
        )
    )
    for key, groups in (("age_band", AGE_BANDS), ("sex", tuple(Sex.values))):
        labels = AGE_BAND_LABELS if key == "age_band" else dict(Sex.choices)
        rows = {g: FairnessRow(group=g, label=str(labels[g])) for g in groups}
        for item in qs.order_by().values(key).annotate(**counts):
            row = rows[item[key]]
            row.received, row.accepted, row.declined = (
                item["received"],
                item["accepted"],
                item["declined"],
            )
        index = 0 if key == "age_band" else 1
        for group, row in rows.items():
            mine = [p for p in pairs if p[index] == group]
            row.decision_days_median = _median(
                [
                    _days(p[3], p[4])
                    for p in mine
                    if p[2] in (Status.ACCEPTED, Status.DECLINED) and p[4]
                ]
            )
            row.first_contact_days_median = _median([_days(p[3], p[5]) for p in mine if p[5]])
        result[key] = list(rows.values())
    return result


def quarter_bounds(day: date) -> tuple[date, date]:
    q_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    next_start = date(q_start.year + (q_start.month + 2) // 12, (q_start.month + 2) % 12 + 1, 1)
    return q_start, next_start - timedelta(days=1)


def localised_explanation(score) -> list[dict]:
    """A score's explanation in the reader's language (it is stored in the scorer's)."""
    criteria = {c.code: c for c in score.version.criteria.all()}
    items = []
    for item in score.explanation:
        criterion = criteria.get(item.get("code"))
        if criterion is not None:
            answer = item.get("answer") or ""
            label = dict(criterion.choices()).get(answer, item.get("answer_label", ""))
            item = {**item, "question": criterion.label, "answer_label": label if answer else ""}
        items.append(item)
    return items


@dataclass(frozen=True)
class FreePlaces:
    """A team with places free and people waiting: whom to offer the next place."""

    team: Team
    free: int  # capacity minus open episodes
    waiting: int  # referrals on the team's waiting list
    first: Referral  # the first in rank (score, then date received)


def free_places(*, user: User) -> list[FreePlaces]:
    """Teams the user offers places of (`place_offer_teams`) that have free places and a waiting
    list, with its first in rank. One query: the waiting referrals of those teams, in rank,
    each with its team's open episodes.

    Free places are the team's capacity (`Team.capacity`) minus its open episodes, the count
    that `referral_accept` checks.
    """
    open_eps = (
        Episode.objects.filter(client__team=OuterRef("team_id"), ended_on__isnull=True)
        .order_by()
        .values("client__team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        waiting_list(user=user)
        .filter(team__in=place_offer_teams(user))
        .annotate(team_open_episodes=Coalesce(Subquery(open_eps), 0))
    )
    ranked: dict[int, list[Referral]] = {}
    for referral in rows:
        ranked.setdefault(referral.team_id, []).append(referral)
    places = []
    for referrals in ranked.values():
        first = referrals[0]
        free = first.team.capacity - first.team_open_episodes
        if free > 0:
            places.append(
                FreePlaces(team=first.team, free=free, waiting=len(referrals), first=first)
            )
    return places
