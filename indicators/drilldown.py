"""The records counted in a figure, so a surprising number can be checked.

Each query mirrors the engine's definition of its key (INDICATORS.md), built from the engine's
own helpers (`_Context`) and the core's `SEEN_CONTACT`, so the number of records equals the figure computed on the
same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outreach.models import (
    SEEN_CONTACT,
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    LegalStatus,
    Relapse,
)

from . import engine
from .periods import Period, Scope


@dataclass(frozen=True)
class Row:
    pk: int  # of the record counted (an episode, a stay, a client...)
    client_id: int
    client_name: str
    client_code: str
    on: date | None
    detail: str


def _episodes(c: engine._Context) -> QuerySet[Episode]:
    return c.episodes().select_related("client")


def _caseload_end(c: engine._Context) -> QuerySet:
    return _episodes(c).filter(c.active_on(c.last)).order_by("started_on", "pk")


def _episodes_started(c: engine._Context) -> QuerySet:
    return _episodes(c).filter(started_on__range=(c.first, c.last)).order_by("started_on", "pk")


def _episodes_ended(c: engine._Context) -> QuerySet:
    return _episodes(c).filter(ended_on__range=(c.first, c.last)).order_by("ended_on", "pk")


def _clients_served(c: engine._Context) -> QuerySet:
    overlapping = c.episodes().filter(c.overlapping())
    return Client.objects.filter(pk__in=overlapping.values("client_id")).order_by("code")


def _clients_not_seen_30d(c: engine._Context) -> QuerySet:
    seen_30d = Contact.objects.filter(
        SEEN_CONTACT,
        c.dated("started_at", c.last - timedelta(days=29), c.last),
        client_id=OuterRef("client_id"),
    )
    return (
        _episodes(c)
        .filter(c.active_on(c.last), started_on__lte=c.last - timedelta(days=30))
        .filter(~Exists(seen_30d))
        .order_by("started_on", "pk")
    )


def _admissions(c: engine._Context, legal_status: str | None = None) -> QuerySet:
    qs = HospitalStay.objects.filter(c.cq(), admitted_on__range=(c.first, c.last))
    if legal_status:
        qs = qs.filter(legal_status=legal_status)
    return qs.select_related("client").order_by("admitted_on", "pk")


def _coercive_measures(c: engine._Context) -> QuerySet:
    return (
        CoerciveMeasure.objects.filter(c.cq(), c.in_period("started_at"))
        .select_related("client")
        .order_by("started_at", "pk")
    )


def _crises(c: engine._Context) -> QuerySet:
    return (
        Crisis.objects.filter(c.cq(), c.in_period("reported_at"))
        .select_related("client")
        .order_by("reported_at", "pk")
    )


def _agency_requests_open_30d(c: engine._Context) -> QuerySet:
    return (
        AgencyRequest.objects.filter(c.cq())
        .filter(
            Q(sent_on__lte=c.last - timedelta(days=30))
            & (Q(responded_on__isnull=True) | Q(responded_on__gt=c.last))
        )
        .select_related("client")
        .order_by("sent_on", "pk")
    )


def _relapses(c: engine._Context) -> QuerySet:
    return (
        Relapse.objects.filter(c.cq(), onset_on__range=(c.first, c.last))
        .select_related("client")
        .order_by("onset_on", "pk")
    )


# key → (label, query, the date to show, a short detail)
# Figures a coordinator may drill into (pseudonymous codes, no clinical events).
NON_CLINICAL = frozenset({"caseload_end", "episodes_started", "episodes_ended", "clients_served"})

QUERIES: dict[str, tuple[Any, Any, str]] = {
    "caseload_end": (_("Caseload on the last day"), _caseload_end, "started_on"),
    "episodes_started": (_("Episodes started"), _episodes_started, "started_on"),
    "episodes_ended": (_("Episodes ended"), _episodes_ended, "ended_on"),
    "clients_served": (_("Clients served"), _clients_served, ""),
    "clients_not_seen_30d": (
        _("Clients not seen for 30 days"),
        _clients_not_seen_30d,
        "started_on",
    ),
    "admissions": (_("Hospital admissions"), _admissions, "admitted_on"),
    "admissions_involuntary": (
        _("Involuntary admissions"),
        lambda c: _admissions(c, LegalStatus.INVOLUNTARY),
        "admitted_on",
    ),
    "admissions_voluntary": (
        _("Voluntary admissions"),
        lambda c: _admissions(c, LegalStatus.VOLUNTARY),
        "admitted_on",
    ),
    "coercive_measures": (_("Coercive measures"), _coercive_measures, "started_at"),
    "crises": (_("Crises"), _crises, "reported_at"),
    "crises_without_response": (
        _("Crises without a response"),
        lambda c: _crises(c).filter(first_response_at__isnull=True),
        "reported_at",
    ),
    "agency_requests_open_30d": (
        _("Agency requests open over 30 days"),
        _agency_requests_open_30d,
        "sent_on",
    ),
    "relapses": (_("Relapses"), _relapses, "onset_on"),
}


def _context(period: Period, scope: Scope, as_of: date | None) -> engine._Context:
    return engine._Context(period, engine.resolve_scope(scope), as_of or engine.as_of(period))


def counted(period: Period, scope: Scope, as_of: date) -> dict[str, list[int]]:
    """The primary keys of the records of every drill-down figure, as a snapshot keeps them."""
    c = _context(period, scope, as_of)
    return {
        key: sorted(query(c).values_list("pk", flat=True))
        for key, (_label, query, _field) in QUERIES.items()
    }


def _row(obj: Any, date_field: str, c: engine._Context) -> Row:
    client = obj if isinstance(obj, Client) else obj.client
    on = getattr(obj, date_field, None) if date_field else None
    if hasattr(on, "date"):
        on = on.astimezone(c.tz).date()
    return Row(
        pk=obj.pk,
        client_id=client.pk,
        client_name=str(client),
        client_code=client.code,
        on=on,
        detail=str(getattr(obj, "get_kind_display", lambda: "")())
        or str(getattr(obj, "get_legal_status_display", lambda: "")()),
    )


def records(key: str, period: Period, scope: Scope) -> list[Row]:
    """Return the records counted in `key` for a period and scope; KeyError for other keys.

    Like the engine, a running period is read to date (today).
    """
    _label, query, date_field = QUERIES[key]
    c = _context(period, scope, None)
    return [_row(obj, date_field, c) for obj in query(c)]


@dataclass(frozen=True)
class Changes:
    """How the records now differ from those a snapshot counted."""

    known: bool  # False: the snapshot kept no list of its records (computed before it did)
    added: frozenset[int]  # pks counted now, not in the snapshot
    gone: list[Row]  # counted in the snapshot, no longer now (records that still exist)
    deleted: int  # counted in the snapshot, deleted since


def changes(key: str, period: Period, scope: Scope, rows: list[Row], kept: Any) -> Changes:
    """Compare the records counted now (`rows`) with the pks a snapshot kept for `key`."""
    if not isinstance(kept, list):
        return Changes(known=False, added=frozenset(), gone=[], deleted=0)
    now = {r.pk for r in rows}
    before = set(kept)
    missing = before - now
    gone: list[Row] = []
    if missing:
        _label, query, date_field = QUERIES[key]
        c = _context(period, scope, None)
        model = query(c).model
        qs = model.objects.filter(pk__in=missing)
        if model is not Client:
            qs = qs.select_related("client")
        gone = sorted(
            (_row(obj, date_field, c) for obj in qs), key=lambda r: (r.on is None, r.on, r.pk)
        )
    return Changes(
        known=True,
        added=frozenset(now - before),
        gone=gone,
        deleted=len(missing) - len(gone),
    )
