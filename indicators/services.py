"""Writes of the indicators app: computing, publishing and finalising snapshots; the reads
of snapshots that pages use (they never compute), and queuing a refresh from a page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outreach import audit
from outreach.origin import Origin

from . import drilldown, engine
from .models import IndicatorSnapshot, SnapshotPublished, SnapshotRun
from .periods import Period, Scope

if TYPE_CHECKING:
    from outreach.models import User

logger = logging.getLogger(__name__)

DRAFT = IndicatorSnapshot.Status.DRAFT
PUBLISHED = IndicatorSnapshot.Status.PUBLISHED

# A queued or running run older than this is taken as lost (a worker killed, a message dropped):
# it no longer stops a new refresh from being queued.
RUN_LOST_AFTER = timedelta(minutes=30)
ACTIVE_RUN = (SnapshotRun.Status.QUEUED, SnapshotRun.Status.RUNNING)


def _scope_fields(target: engine.ResolvedScope) -> dict[str, Any]:
    if target.team is not None:
        return {
            "scope_kind": IndicatorSnapshot.ScopeKind.TEAM,
            "team": target.team,
            "municipality": None,
            "scope_key": f"team:{target.team.pk}",
        }
    if target.municipality is not None:
        return {
            "scope_kind": IndicatorSnapshot.ScopeKind.MUNICIPALITY,
            "team": None,
            "municipality": target.municipality,
            "scope_key": f"municipality:{target.municipality.pk}",
        }
    return {
        "scope_kind": IndicatorSnapshot.ScopeKind.ALL,
        "team": None,
        "municipality": None,
        "scope_key": "all",
    }


def _natural_key(period: Period, target: engine.ResolvedScope) -> dict[str, str]:
    return {
        "period": str(period),
        "scope_key": _scope_fields(target)["scope_key"],
        "definitions_version": engine.DEFINITIONS_VERSION,
    }


def snapshot_list(*, period: Period, scope: Scope) -> list[IndicatorSnapshot]:
    """Return every version of the snapshots of `period` and `scope`, newest first."""
    key = _natural_key(period, engine.resolve_scope(scope))
    return list(
        IndicatorSnapshot.objects.filter(period=key["period"], scope_key=key["scope_key"]).order_by(
            "-version"
        )
    )


def snapshot_latest(*, period: Period, scope: Scope) -> IndicatorSnapshot | None:
    """Return the newest snapshot of a period and scope, or None: a read, it computes nothing."""
    key = _natural_key(period, engine.resolve_scope(scope))
    return (
        IndicatorSnapshot.objects.filter(period=key["period"], scope_key=key["scope_key"])
        .order_by("-version")
        .first()
    )


def snapshot_is_stale(snapshot: IndicatorSnapshot, today: date | None = None) -> bool:
    """Tell whether a draft would come out different if computed today for a reason known
    without computing: older definitions, or a period computed to a day before the one it
    would be computed to now (a running period computed yesterday, or before it ended).

    A published snapshot is final, never stale.
    """
    if snapshot.is_published:
        return False
    if snapshot.definitions_version != engine.DEFINITIONS_VERSION:
        return True
    today = today or timezone.localdate()
    return snapshot.as_of < Period.parse(snapshot.period).as_of(today)


@dataclass
class FigureState:
    """What a page knows of one period's snapshot of a scope, without computing anything."""

    period: Period
    snapshot: IndicatorSnapshot | None
    run: SnapshotRun | None  # the refresh queued or running now, if any
    failed: SnapshotRun | None  # the last run, when it failed after the snapshot was computed
    stale: bool

    @property
    def refreshable(self) -> bool:
        """Whether a refresh may be asked for: no snapshot yet, or a draft (not one final)."""
        return self.snapshot is None or not self.snapshot.is_published

    @property
    def wants_refresh(self) -> bool:
        return self.snapshot is None or self.stale


def _active(qs):
    return qs.filter(status__in=ACTIVE_RUN, started_at__gte=timezone.now() - RUN_LOST_AFTER)


def figure_states(*, periods: list[Period], scope: Scope) -> list[FigureState]:
    """The newest snapshot of each period of a scope, its staleness and its runs (3 queries)."""
    key = _natural_key(periods[0], engine.resolve_scope(scope))["scope_key"]
    names = [str(p) for p in periods]
    newest: dict[str, IndicatorSnapshot] = {}
    for snap in IndicatorSnapshot.objects.filter(scope_key=key, period__in=names).order_by(
        "version"
    ):
        newest[snap.period] = snap
    runs = SnapshotRun.objects.filter(scope=str(scope), period__in=names)
    active = {r.period: r for r in _active(runs).order_by("started_at")}
    last = {r.period: r for r in runs.order_by("started_at", "pk")}
    today = timezone.localdate()
    out = []
    for p, name in zip(periods, names, strict=True):
        snap = newest.get(name)
        failed = last.get(name)
        if failed is not None and (
            failed.status != SnapshotRun.Status.FAILED
            or (snap is not None and failed.started_at <= snap.computed_at)
        ):
            failed = None
        out.append(
            FigureState(
                period=p,
                snapshot=snap,
                run=active.get(name),
                failed=failed,
                stale=snap is not None and snapshot_is_stale(snap, today),
            )
        )
    return out


def snapshot_refresh_request(
    *, period: Period, scope: Scope, origin: Origin, actor: User | None = None
) -> tuple[SnapshotRun, bool]:
    """Queue the Celery refresh of a period and scope's draft; return the run and whether this
    call queued it (False: one is already queued or running, and that one is returned).

    The task is sent once the queued run is committed, so the worker always finds it. A period
    that has not started is refused (ValueError), an unknown scope too (LookupError).
    """
    period.as_of(timezone.localdate())
    engine.resolve_scope(scope)
    with transaction.atomic():
        runs = SnapshotRun.objects.filter(period=str(period), scope=str(scope))
        found = _active(runs).order_by("-started_at").first()
        if found is not None:
            return found, False
        now = timezone.now()
        # A queued run that never started within RUN_LOST_AFTER was lost: say so, and free
        # the key for this one.
        runs.filter(status=SnapshotRun.Status.QUEUED).update(
            status=SnapshotRun.Status.FAILED,
            finished_at=now,
            error="lost: the task never started",
        )
        try:
            with transaction.atomic():
                run = SnapshotRun.objects.create(
                    task_name="indicators.tasks.snapshot_refresh",
                    period=str(period),
                    scope=str(scope),
                    status=SnapshotRun.Status.QUEUED,
                    started_at=now,
                    requested_by=actor if actor is not None else origin.actor,
                )
        except IntegrityError:
            # Someone queued the same refresh a moment ago.
            return runs.get(status=SnapshotRun.Status.QUEUED), False
        audit.record(
            actor=actor,
            action="snapshot.refresh_request",
            target=run,
            origin=origin,
            detail={"period": str(period), "scope": str(scope)},
        )

        def send(run_id: int = run.pk) -> None:
            from . import tasks  # tasks call services: imported when sending only

            try:
                tasks.snapshot_refresh.delay(str(period), str(scope), run_id)
            except Exception as exc:  # the broker is down, or (eager) the run failed
                # The page shows a failed run; an eager run has recorded its own error.
                logger.exception("snapshot refresh %s %s not run", period, scope)
                SnapshotRun.objects.filter(pk=run_id, status=SnapshotRun.Status.QUEUED).update(
                    status=SnapshotRun.Status.FAILED,
                    finished_at=timezone.now(),
                    error=f"could not be queued: {type(exc).__name__}: {exc}",
                )

        transaction.on_commit(send)
    return run, True


@transaction.atomic
def snapshot_compute(*, period: Period, scope: Scope, task_id: str = "") -> IndicatorSnapshot:
    """Compute the indicators and store them in the period and scope's draft (one draft per key).

    Idempotent: the draft of (period, scope, definitions version) is rewritten in place. When the
    latest snapshot is published, a new draft with the next version number is created and the
    published one is left untouched. Atomic: the snapshot is written whole or not at all.
    """
    target = engine.resolve_scope(scope)
    now = timezone.now()
    today = timezone.localdate(now)
    as_of = engine.as_of(period, today)
    # The day of computation, not as_of: the waiting list and the follow-up windows still open
    # are judged on the day the figures are computed, whatever the period.
    values = engine.compute(period, scope, today=today)
    # A team's drill-downs compare their records now with those the snapshot counted.
    records = drilldown.counted(period, scope, as_of) if target.team is not None else {}
    key = _natural_key(period, target)
    draft = IndicatorSnapshot.objects.select_for_update().filter(**key, status=DRAFT).first()
    if draft is None:
        latest = IndicatorSnapshot.objects.filter(**key).aggregate(v=Max("version"))["v"] or 0
        try:
            with transaction.atomic():
                return IndicatorSnapshot.objects.create(
                    **_scope_fields(target),
                    period=key["period"],
                    definitions_version=key["definitions_version"],
                    period_first=period.first,
                    period_last=period.last,
                    version=latest + 1,
                    status=DRAFT,
                    computed_at=now,
                    as_of=as_of,
                    values=values,
                    records=records,
                    task_id=task_id,
                )
        except IntegrityError:
            # A concurrent run created the draft first: rewrite that one instead.
            draft = IndicatorSnapshot.objects.select_for_update().get(**key, status=DRAFT)
    draft.values = values
    draft.records = records
    draft.computed_at = now
    draft.as_of = as_of
    draft.task_id = task_id
    draft.save(update_fields=["values", "records", "computed_at", "as_of", "task_id"])
    return draft


@transaction.atomic
def snapshot_publish(
    *, snapshot: IndicatorSnapshot, origin: Origin, actor: User | None = None
) -> IndicatorSnapshot:
    """Publish a draft snapshot; from then on it is never changed."""
    snapshot = IndicatorSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise SnapshotPublished(
            _("This snapshot is already published."), code="snapshot_already_published"
        )
    if snapshot.is_to_date:
        raise ValidationError(
            _(
                "The figures of %(period)s are to date, as of %(as_of)s: once the period has "
                "ended, recompute them, then publish."
            )
            % {
                "period": snapshot.period,
                "as_of": date_format(snapshot.as_of, "SHORT_DATE_FORMAT"),
            },
            code="snapshot_period_running",
        )
    snapshot.status = PUBLISHED
    snapshot.published_at = timezone.now()
    snapshot.full_clean()
    snapshot.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action="snapshot.publish",
        target=snapshot,
        origin=origin,
        detail={
            "period": snapshot.period,
            "scope": snapshot.scope_key,
            "version": snapshot.version,
        },
    )
    return snapshot


@transaction.atomic
def snapshot_finalise(
    *, period: Period, scope: Scope, origin: Origin, task_id: str = ""
) -> IndicatorSnapshot:
    """Compute and publish the final snapshot of a closed period, once.

    Idempotent: when the period and scope already have a published snapshot under the current
    definitions and no newer draft, that snapshot is returned unchanged.
    """
    key = _natural_key(period, engine.resolve_scope(scope))
    latest = IndicatorSnapshot.objects.filter(**key).order_by("-version").first()
    if latest is not None and latest.is_published:
        return latest
    draft = snapshot_compute(period=period, scope=scope, task_id=task_id)
    return snapshot_publish(snapshot=draft, origin=origin)
