"""Reads of My work: whose work (the scope), and the grouped list of items from every source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from indicators.mywork import sources  # noqa: F401  (registers the built-in sources)
from indicators.mywork.registry import GROUPS, SOURCES, WorkItem, WorkScope
from indicators.supervision.selectors import review_tandems, review_teams
from outreach.access import visible_clients
from outreach.models import Client, Tandem, User


def worker_tandems(user: User) -> list[Tandem]:
    """The current tandems the user works in."""
    return list(
        Tandem.objects.filter(Q(professional=user) | Q(peer=user), ended_on__isnull=True)
        .select_related("professional", "peer", "team")
        .order_by("pk")
    )


def tandem_choices(user: User) -> list[Tandem]:
    """Current tandems of the teams the user supervises, for the picker."""
    return review_tandems(teams=review_teams(user))


def work_scope(
    *, user: User, tandems: list[Tandem], own: bool, today: date | None = None
) -> WorkScope:
    """The scope of the tandems' work as `user` sees it.

    `own` is a worker looking at their own list: only their own signature is asked for. A
    supervisor looking at tandems sees the signatures missing from either member.
    """
    members = frozenset(pk for t in tandems for pk in t.member_ids())
    in_care = Q(episodes__ended_on__isnull=True) | Q(episodes__isnull=True)
    clients = Client.objects.filter(
        pk__in=visible_clients(user)
        .filter(tandem__in=[t.pk for t in tandems])
        .filter(in_care)
        .values("pk")
    )
    return WorkScope(
        user=user,
        today=today or timezone.localdate(),
        clients=clients,
        members=members,
        signers=frozenset({user.pk}) if own else members,
    )


@dataclass
class WorkGroup:
    key: str
    label: str
    items: list[WorkItem] = field(default_factory=list)


@dataclass
class MyWork:
    today: date
    groups: list[WorkGroup]

    @property
    def items(self) -> list[WorkItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue_count(self) -> int:
        return sum(len(g.items) for g in self.groups if g.key == "overdue")

    @property
    def client_ids(self) -> list[int]:
        return sorted({item.client.pk for item in self.items})


def my_work(scope: WorkScope) -> MyWork:
    """Every item of every registered source, grouped overdue / today / this week / later.

    Each group is ordered by due date (undated items first in "today"), then client name.
    The number of queries is the sum of the sources' (each constant in the number of items).
    """
    groups = {key: WorkGroup(key=key, label=str(label)) for key, label in GROUPS.items()}
    for source in SOURCES.values():
        for item in source.collect(scope):
            groups[item.group(scope.today)].items.append(item)
    for group in groups.values():
        group.items.sort(
            key=lambda i: (
                i.due_on or date.min,
                i.client.family_name.lower(),
                i.client.given_name.lower(),
                i.kind,
            )
        )
    return MyWork(today=scope.today, groups=list(groups.values()))
