"""Writes of the indicators app: computing, publishing and finalising snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outreach import audit
from outreach.origin import Origin

from . import engine
from .models import IndicatorSnapshot, SnapshotPublished
from .periods import Period, Scope

if TYPE_CHECKING:
    from outreach.models import User

DRAFT = IndicatorSnapshot.Status.DRAFT
PUBLISHED = IndicatorSnapshot.Status.PUBLISHED


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


@transaction.atomic
def snapshot_compute(*, period: Period, scope: Scope, task_id: str = "") -> IndicatorSnapshot:
    """Compute the indicators and store them in the period and scope's draft (one draft per key).

    Idempotent: the draft of (period, scope, definitions version) is rewritten in place. When the
    latest snapshot is published, a new draft with the next version number is created and the
    published one is left untouched. Atomic: the snapshot is written whole or not at all.
    """
    target = engine.resolve_scope(scope)
    now = timezone.now()
    as_of = engine.as_of(period, timezone.localdate(now))
    values = engine.compute(period, scope, today=as_of)
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
                    task_id=task_id,
                )
        except IntegrityError:
            # A concurrent run created the draft first: rewrite that one instead.
            draft = IndicatorSnapshot.objects.select_for_update().get(**key, status=DRAFT)
    draft.values = values
    draft.computed_at = now
    draft.as_of = as_of
    draft.task_id = task_id
    draft.save(update_fields=["values", "computed_at", "as_of", "task_id"])
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
