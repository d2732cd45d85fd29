"""The access report: who read and changed which client's record, when, and what stands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from outreach import access
from outreach.models import AuditEvent

if TYPE_CHECKING:
    from outreach.models import User

# Audit actions that change a record (every other action with a client is a read).
CHANGE_VERBS = (
    "create",
    "update",
    "edit",
    "sign",
    "discharge",
    "share",
    "respond",
    "review",
    "grant",
    "revoke",
    "link_client",
    "publish",
)


# The grant and its review (the supervisor's reading of the review pages is not highlighted).
EMERGENCY_ACTIONS = ("emergency_access.grant", "emergency_access.review")


def emergency_q() -> Q:
    """Rows of break-the-glass: the grant, its review and every read under a grant."""
    return Q(action__in=EMERGENCY_ACTIONS) | Q(detail__emergency=True)


def is_emergency(event: AuditEvent) -> bool:
    """Tell whether one row is part of a break-the-glass use (highlighted in the report)."""
    return event.action in EMERGENCY_ACTIONS or bool(
        isinstance(event.detail, dict) and event.detail.get("emergency")
    )


def change_q() -> Q:
    """Rows that record a change rather than a read."""
    q = Q()
    for verb in CHANGE_VERBS:
        q |= Q(action__endswith=f".{verb}")
    return q


def access_report_rows(*, user: User) -> QuerySet[AuditEvent]:
    """The audit rows of the user's access report, newest first, with the client's code only."""
    return (
        access.access_report_events(user)
        .select_related("client")
        .only(
            "id",
            "at",
            "actor_id",
            "actor_username",
            "actor_role",
            "action",
            "object_type",
            "ip_address",
            "token_name",
            "detail",
            "client__id",
            "client__code",
        )
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class Unusual:
    """A user who opened many records outside their own caseload on one day."""

    username: str
    day: date
    clients: int


def unusual_days(events: QuerySet[AuditEvent]) -> list[Unusual]:
    """Flag users who touched more records outside their own caseload in a day than allowed.

    A record is outside the user's caseload when the user is neither worker of its tandem.
    """
    threshold = settings.OUTREACH_ACCESS_ANOMALY_THRESHOLD
    rows = (
        events.exclude(actor__isnull=True)
        .exclude(
            Q(client__tandem__professional_id=F("actor_id"))
            | Q(client__tandem__peer_id=F("actor_id"))
        )
        .annotate(day=TruncDate("at"))
        .values("actor_username", "day")
        .annotate(clients=Count("client_id", distinct=True))
        .filter(clients__gte=threshold)
        .order_by("-day", "actor_username")
    )
    return [Unusual(r["actor_username"], r["day"], r["clients"]) for r in rows]
