"""Writes of planned visits: plan one, turn it into a logged contact, or mark it missed."""

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
    visit = PlannedVisit(
        client=client,
        planned_on=planned_on,
        planned_time=planned_time,
        purpose=purpose.strip(),
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


def _open_visit(visit: PlannedVisit, actor: User) -> PlannedVisit:
    """The visit's row, locked; refuse one already done or missed, or out of the actor's reach."""
    visit = (
        PlannedVisit.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=visit.pk)
    )
    if not access.can_write_record(actor, visit.client):
        raise PermissionDenied
    if not visit.is_open:
        raise ValidationError(
            _("This visit is already closed (%(status)s).")
            % {"status": visit.get_status_display()},
            code="visit_closed",
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
    visit.status = PlannedVisit.Status.MISSED
    visit.missed_reason = reason.strip()
    visit.closed_by = actor
    visit.closed_at = timezone.now()
    visit.full_clean()
    visit.save(update_fields=["status", "missed_reason", "closed_by", "closed_at"])
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
