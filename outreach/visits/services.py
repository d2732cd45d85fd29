"""Writes of planned visits: plan one, change or cancel it, turn it into a logged contact, or
mark it missed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, audit, services
from outreach.models import Client, Contact, Intervention, PlannedVisit, User
from outreach.origin import Origin
from outreach.staff import check_team_staff

# A visit is planned for the coming weeks, not for next year.
PLAN_AHEAD_DAYS = 62


def _checked_plan(
    *, client: Client, planned_on: date, staff: Iterable[User], purpose: str, today: date | None
) -> tuple[list[User], str]:
    """The rules of a visit's plan, for a new one and a changed one alike: a day from today to
    PLAN_AHEAD_DAYS ahead, someone of the client's team to go, a purpose."""
    today = today or timezone.localdate()
    if planned_on < today:
        raise ValidationError(
            {"planned_on": _("Plan a visit for today or a later day.")}, code="visit_in_past"
        )
    if (planned_on - today).days > PLAN_AHEAD_DAYS:
        raise ValidationError(
            {
                "planned_on": _("Plan a visit at most %(days)d days ahead.")
                % {"days": PLAN_AHEAD_DAYS}
            },
            code="visit_too_far",
        )
    staff = check_team_staff(client.team_id, staff)
    if not staff:
        raise ValidationError({"staff": _("Say who goes.")}, code="visit_no_staff")
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the visit is for.")}, code="visit_no_purpose")
    return list(staff), purpose.strip()


@transaction.atomic
def visit_plan(
    *,
    client: Client,
    actor: User,
    planned_on: date,
    planned_time: time | None,
    staff: Iterable[User],
    purpose: str,
    origin: Origin,
    today: date | None = None,
) -> PlannedVisit:
    """Plan a visit to a client of the actor's team: a day (today or later), who goes, why."""
    if not access.can_write_record(actor, client):
        raise PermissionDenied
    staff, purpose = _checked_plan(
        client=client, planned_on=planned_on, staff=staff, purpose=purpose, today=today
    )
    visit = PlannedVisit(
        client=client,
        planned_on=planned_on,
        planned_time=planned_time,
        purpose=purpose,
        created_by=actor,
    )
    visit.full_clean()
    visit.save()
    visit.staff.set(staff)
    audit.record(
        actor=actor,
        action="plannedvisit.create",
        target=visit,
        client=client,
        origin=origin,
        detail={"planned_on": planned_on.isoformat(), "staff": sorted(u.pk for u in staff)},
    )
    return visit


def closed_message(visit: PlannedVisit) -> str:
    """Why a visit can no longer be changed, cancelled, logged or marked missed."""
    if visit.status == PlannedVisit.Status.DONE:
        return _("This visit is already logged as a contact: it can no longer be changed.")
    if visit.status == PlannedVisit.Status.MISSED:
        return _("This visit is already marked missed: it can no longer be changed.")
    if visit.status == PlannedVisit.Status.CANCELLED:
        return _("This visit was cancelled: it can no longer be changed.")
    return _("This visit is already closed (%(status)s).") % {"status": visit.get_status_display()}


def _open_visit(visit: PlannedVisit, actor: User) -> PlannedVisit:
    """The visit's row, locked; refuse one already closed, or out of the actor's reach."""
    visit = (
        PlannedVisit.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=visit.pk)
    )
    if not access.can_write_record(actor, visit.client):
        raise PermissionDenied
    if not visit.is_open:
        raise ValidationError(closed_message(visit), code="visit_closed")
    return visit


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


@transaction.atomic
def visit_edit(
    *,
    visit: PlannedVisit,
    actor: User,
    planned_on: date,
    planned_time: time | None,
    staff: Iterable[User],
    purpose: str,
    origin: Origin,
    today: date | None = None,
) -> PlannedVisit:
    """Change a visit still planned: its day, time, who goes, what for (the rules of a new one).

    The audit row keeps what was before and what is now (the purpose only as changed or not: it
    is free text, the row holds it), so the visit's history stays.
    """
    visit = _open_visit(visit, actor)
    staff, purpose = _checked_plan(
        client=visit.client, planned_on=planned_on, staff=staff, purpose=purpose, today=today
    )
    before = {
        "planned_on": visit.planned_on.isoformat(),
        "planned_time": _time(visit.planned_time),
        "staff": sorted(visit.staff.values_list("pk", flat=True)),
    }
    after = {
        "planned_on": planned_on.isoformat(),
        "planned_time": _time(planned_time),
        "staff": sorted(u.pk for u in staff),
    }
    changed = sorted(k for k in after if after[k] != before[k])
    if purpose != visit.purpose:
        changed.append("purpose")
    if not changed:
        return visit
    visit.planned_on = planned_on
    visit.planned_time = planned_time
    visit.purpose = purpose
    visit.full_clean()
    visit.save(update_fields=["planned_on", "planned_time", "purpose"])
    visit.staff.set(staff)
    audit.record(
        actor=actor,
        action="plannedvisit.update",
        target=visit,
        client=visit.client,
        origin=origin,
        detail={
            "changed": changed,
            "before": {k: before[k] for k in changed if k in before},
            "after": {k: after[k] for k in changed if k in after},
        },
    )
    return visit


def _close(
    visit: PlannedVisit, *, status: str, reason_field: str, reason: str, actor: User
) -> PlannedVisit:
    """Close a visit still planned as missed or cancelled, with the reason kept on the row."""
    visit.status = status
    setattr(visit, reason_field, reason.strip())
    visit.closed_by = actor
    visit.closed_at = timezone.now()
    visit.full_clean()
    visit.save(update_fields=["status", reason_field, "closed_by", "closed_at"])
    return visit


@transaction.atomic
def visit_cancel(
    *, visit: PlannedVisit, actor: User, reason: str = "", origin: Origin
) -> PlannedVisit:
    """Cancel a visit still planned (the reason is optional). It stays in the week as
    cancelled, and leaves My work, the caseload and the client page."""
    visit = _open_visit(visit, actor)
    _close(
        visit,
        status=PlannedVisit.Status.CANCELLED,
        reason_field="cancel_reason",
        reason=reason,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="plannedvisit.cancel",
        target=visit,
        client=visit.client,
        origin=origin,
        # The reason is free text: the row holds it, the audit says whether there was one.
        detail={"status": visit.status, "reason_given": bool(visit.cancel_reason)},
    )
    return visit


@transaction.atomic
def visit_log_contact(
    *,
    visit: PlannedVisit,
    author: User,
    origin: Origin,
    started_at: datetime,
    duration_minutes: int,
    mode: str,
    outcome: str,
    staff: Iterable[User] = (),
    interventions: Iterable[Intervention] = (),
    **fields,
) -> Contact:
    """Log the contact of a planned visit: the contact is saved, linked and the visit done."""
    visit = _open_visit(visit, author)
    contact = services.contact_log(
        client=visit.client,
        author=author,
        started_at=started_at,
        duration_minutes=duration_minutes,
        mode=mode,
        outcome=outcome,
        staff=staff,
        interventions=interventions,
        origin=origin,
        **fields,
    )
    visit.contact = contact
    visit.status = PlannedVisit.Status.DONE
    visit.closed_by = author
    visit.closed_at = timezone.now()
    visit.save(update_fields=["contact", "status", "closed_by", "closed_at"])
    audit.record(
        actor=author,
        action="plannedvisit.done",
        target=visit,
        client=visit.client,
        origin=origin,
        detail={"contact": contact.pk, "outcome": contact.outcome},
    )
    return contact


@transaction.atomic
def visit_mark_missed(
    *, visit: PlannedVisit, actor: User, reason: str, origin: Origin
) -> PlannedVisit:
    """Mark a planned visit missed, with the reason it did not happen."""
    visit = _open_visit(visit, actor)
    _close(
        visit,
        status=PlannedVisit.Status.MISSED,
        reason_field="missed_reason",
        reason=reason,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="plannedvisit.missed",
        target=visit,
        client=visit.client,
        origin=origin,
        # The reason is free text: the audit row says that, not what (the row holds it).
        detail={"status": visit.status},
    )
    return visit
