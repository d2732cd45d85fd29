"""Reads of planned visits, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from outreach import access
from outreach.models import Client, PlannedVisit, User


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _with_people(qs: QuerySet[PlannedVisit]) -> QuerySet[PlannedVisit]:
    return qs.select_related("client", "contact").prefetch_related(
        Prefetch("staff", queryset=User.objects.order_by("last_name", "first_name"))
    )


@dataclass
class VisitDay:
    day: date
    visits: list[PlannedVisit] = field(default_factory=list)


def visit_week(*, user: User, start: date, mine: bool) -> list[VisitDay]:
    """The seven days from `start` with the visits planned on each (all statuses), in time order.

    `mine`: visits to the clients of the user's tandems or that the user goes on; otherwise
    every visit of the user's teams. Two queries (visits, their staff), whatever their number.
    """
    qs = access.visible_visits(user).filter(
        planned_on__gte=start, planned_on__lt=start + timedelta(days=7)
    )
    if mine:
        qs = qs.filter(
            Q(client__tandem__professional=user) | Q(client__tandem__peer=user) | Q(staff=user)
        ).distinct()
    days = {start + timedelta(days=i): VisitDay(day=start + timedelta(days=i)) for i in range(7)}
    for visit in _with_people(qs).order_by("planned_on", "planned_time", "pk"):
        days[visit.planned_on].visits.append(visit)
    return list(days.values())


def visits_open(*, user: User, clients: QuerySet[Client], until: date) -> list[PlannedVisit]:
    """Visits still planned (not done, not missed) to `clients` on or before `until`."""
    qs = access.visible_visits(user).filter(
        status=PlannedVisit.Status.PLANNED,
        planned_on__lte=until,
        client__in=clients,
    )
    return list(_with_people(qs).order_by("planned_on", "planned_time", "pk"))


def plan_clients(user: User) -> QuerySet[Client]:
    """The clients a visit may be planned to: the user's teams', in care (or not yet)."""
    in_care = Q(episodes__ended_on__isnull=True) | Q(episodes__isnull=True)
    return (
        access.visible_clients(user)
        .filter(in_care)
        .distinct()
        .order_by("family_name", "given_name")
    )


def plan_staff(user: User) -> QuerySet[User]:
    """Who may go on a visit the user plans: the active staff of the user's teams."""
    return access.colleagues(user).order_by("last_name", "first_name")


def visit_for_request(user: User, pk: int) -> PlannedVisit:
    """A visit of the user's teams (404 otherwise), with its client and staff."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        _with_people(access.visible_visits(user)).select_related(
            "client__team", "client__tandem__professional", "client__tandem__peer"
        ),
        pk=pk,
    )
