"""Reads of the core record, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from outreach.access import scoped_readable, visible_clients, visible_teams, visible_visits
from outreach.models import (
    SEEN_CONTACT,
    Client,
    Contact,
    Episode,
    PlannedVisit,
    Tandem,
    Team,
    User,
)

SORTS = {
    "name": ("family_name", "given_name"),
    "-name": ("-family_name", "-given_name"),
    "last_seen": (F("last_seen_at").asc(nulls_first=True), "family_name"),
    "-last_seen": (F("last_seen_at").desc(nulls_last=True), "family_name"),
    "tandem": ("tandem__professional__last_name", "family_name"),
}


def _with_caseload_figures(qs: QuerySet[Client]) -> QuerySet[Client]:
    seen = Contact.objects.filter(SEEN_CONTACT, client=OuterRef("pk")).order_by("-started_at")
    last = Contact.objects.filter(client=OuterRef("pk")).order_by("-started_at")
    open_episode = Episode.objects.filter(client=OuterRef("pk"), ended_on__isnull=True).order_by(
        "-started_on"
    )
    next_visit = PlannedVisit.objects.filter(
        client=OuterRef("pk"),
        status=PlannedVisit.Status.PLANNED,
        planned_on__gte=timezone.localdate(),
    ).order_by("planned_on", "planned_time")
    return qs.annotate(
        next_visit_on=Subquery(next_visit.values("planned_on")[:1]),
        last_seen_at=Subquery(seen.values("started_at")[:1]),
        last_contact_at=Subquery(last.values("started_at")[:1]),
        open_episode_started_on=Subquery(open_episode.values("started_on")[:1]),
    )


def caseload_list(
    *, user: User, team: Team | None = None, mine: bool = False, sort: str = "name"
) -> QuerySet[Client]:
    """Clients in care or in engagement (open episode, or none yet), with last contact figures."""
    qs = (
        visible_clients(user)
        .filter(Q(episodes__ended_on__isnull=True) | Q(episodes__isnull=True))
        .distinct()
    )
    if team is not None:
        qs = qs.filter(team=team)
    if mine:
        qs = qs.filter(Q(tandem__professional=user) | Q(tandem__peer=user))
    qs = _with_caseload_figures(qs).select_related("team", "tandem__professional", "tandem__peer")
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


# A client in care is due a visit when not seen face to face for this many days; a client
# never seen is due this many days after acceptance (the start of the open episode).
NOT_SEEN_DAYS = 14
LONG_NOT_SEEN_DAYS = 30


@dataclass(frozen=True)
class SeenFlag:
    days: int | None  # days since last seen; None when never seen
    level: str  # "ok", "14", "30", "never", or "new" (never seen, accepted under 14 days ago)
    since: date | None = None  # the last seen day, or the day of acceptance when never seen
    unseen_days: int | None = None  # days from `since` to today; None when nothing is known

    @property
    def needs_visit(self) -> bool:
        """Tell whether the client is due a visit: not seen for 14 days (from acceptance if never)."""
        return self.unseen_days is None or self.unseen_days >= NOT_SEEN_DAYS

    @property
    def long_unseen(self) -> bool:
        """Tell whether the client has not been seen for 30 days (from acceptance if never)."""
        return self.unseen_days is None or self.unseen_days >= LONG_NOT_SEEN_DAYS

    @property
    def visit_due_on(self) -> date | None:
        """The day the visit fell due, when the count has a start."""
        return self.since + timedelta(days=NOT_SEEN_DAYS) if self.since else None


def seen_flag(last_seen_at, today: date | None = None, accepted_on: date | None = None) -> SeenFlag:
    """Days since the client was last seen face to face, and the not-seen flag that applies.

    With `accepted_on`, a client never seen counts from acceptance: "new" for the first 14
    days, then "never".
    """
    today = today or timezone.localdate()
    if last_seen_at is None:
        if accepted_on is None:
            return SeenFlag(None, "never")
        unseen = (today - accepted_on).days
        level = "new" if unseen < NOT_SEEN_DAYS else "never"
        return SeenFlag(None, level, accepted_on, unseen)
    seen_on = timezone.localtime(last_seen_at).date()
    days = (today - seen_on).days
    level = "ok"
    if days >= LONG_NOT_SEEN_DAYS:
        level = "30"
    elif days >= NOT_SEEN_DAYS:
        level = "14"
    return SeenFlag(days, level, seen_on, days)


def visit_flag(client: Client, today: date | None = None) -> SeenFlag:
    """The not-seen flag of a client of `caseload_list`: never seen counts from acceptance.

    Acceptance is the start of the open episode, or the opening of the record for a person
    still in engagement (no episode yet).
    """
    accepted_on = client.open_episode_started_on
    if accepted_on is None and client.created_at is not None:
        accepted_on = timezone.localtime(client.created_at).date()
    return seen_flag(client.last_seen_at, today, accepted_on=accepted_on)


def tandem_load(*, user: User, team: Team | None = None) -> QuerySet[Tandem]:
    """Current tandems of the user's teams (or one of them) with their number of clients in care."""
    qs = Tandem.objects.filter(team__in=visible_teams(user), ended_on__isnull=True)
    if team is not None:
        qs = qs.filter(team=team)
    return (
        qs.select_related("professional", "peer", "team")
        .annotate(
            clients_in_care=Count(
                "clients", filter=Q(clients__episodes__ended_on__isnull=True), distinct=True
            ),
        )
        .order_by("team__name", "professional__last_name")
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "contact", or the kind of an event (stay, measure, crisis, ...)
    obj: object
    event: object | None = None  # the event_selectors.Event, for the event template


# The client page's timeline comes in pages of this many entries (contacts and events).
TIMELINE_PAGE = 20


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    has_more: bool
    contacts: list[Contact]


def timeline_page(
    *, user: User, client: Client, events: list, page: int = 1, per_page: int = TIMELINE_PAGE
) -> TimelinePage:
    """One page of the client's timeline (contacts and events merged, newest first).

    Four queries whatever the page or the size of the record: the keys (id, time) of the
    contacts up to the end of the page, then the page's contacts with their staff and
    interventions. `events` are the client's events (all of them, already read).
    """
    end = per_page * page
    contacts_qs = scoped_readable(Contact.objects.filter(client=client), user, via="client")
    keys = list(
        contacts_qs.order_by("-started_at", "-pk").values_list("pk", "started_at")[: end + 1]
    )
    merged = [(timezone.localtime(at).replace(tzinfo=None), "contact", pk) for pk, at in keys]
    # Past the last contact read, events may interleave with contacts not read: they wait.
    cutoff = merged[-1][0] if len(keys) > end else None
    merged += [
        (e.sort_key, "event", i)
        for i, e in enumerate(events)
        if cutoff is None or e.sort_key >= cutoff
    ]
    merged.sort(key=lambda row: (row[0], row[1] == "contact"), reverse=True)
    window = merged[end - per_page : end]
    ids = [ref for _key, kind, ref in window if kind == "contact"]
    by_id = {
        c.pk: c
        for c in (
            contacts_qs.filter(pk__in=ids)
            .select_related("author", "group_session")
            .prefetch_related(
                Prefetch(
                    "staff",
                    queryset=User.objects.only("id", "first_name", "last_name", "username"),
                ),
                "interventions",
            )
        )
    }
    entries = []
    for _key, kind, ref in window:
        if kind == "contact":
            entries.append(TimelineEntry("contact", by_id[ref]))
        else:
            e = events[ref]
            entries.append(TimelineEntry(e.kind, e.obj, e))
    return TimelinePage(
        entries=entries,
        page=page,
        has_more=len(merged) > end,
        contacts=[e.obj for e in entries if e.kind == "contact"],
    )


def last_seen_contact(*, user: User, client: Client) -> Contact | None:
    """The client's latest contact that saw them (face to face, met), with its author."""
    return (
        scoped_readable(Contact.objects.filter(SEEN_CONTACT, client=client), user, via="client")
        .select_related("author")
        .order_by("-started_at")
        .first()
    )


def next_planned_visit(*, user: User, client: Client, today: date) -> PlannedVisit | None:
    """The client's next visit still planned, from today on."""
    return (
        visible_visits(user)
        .filter(client=client, status=PlannedVisit.Status.PLANNED, planned_on__gte=today)
        .order_by("planned_on", "planned_time")
        .first()
    )
