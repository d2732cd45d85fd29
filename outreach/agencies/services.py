"""Writes of the agency directory: the coordinator of the municipality adds, corrects and stops
offering its agencies. Each write is audited in its own transaction.

An agency is never deleted: its past requests keep it and their kind. Changing an agency's kind
changes how its requests are counted in snapshots computed from then on (published snapshots
keep the figures they were computed with).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.models import Agency

if TYPE_CHECKING:
    from outreach.models import User
    from outreach.origin import Origin


def _check(actor: User, agency: Agency) -> None:
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied


@transaction.atomic
def agency_save(*, actor: User, agency: Agency, origin: Origin) -> Agency:
    """Add an agency to the directory of the actor's municipality, or correct one of it."""
    creating = agency.pk is None
    if creating:
        agency.municipality_id = access.directory_municipality_id(actor)
    _check(actor, agency)
    agency.name = " ".join((agency.name or "").split())
    same_name = Agency.objects.filter(
        municipality_id=agency.municipality_id, name__iexact=agency.name
    ).exclude(pk=agency.pk)
    if agency.name and same_name.exists():
        raise ValidationError(
            {"name": _("An agency of that name is already in the directory.")},
            code="agency_name_taken",
        )
    stored = audit.stored_values(agency)
    agency.full_clean()
    agency.save()
    detail = {"kind": agency.kind, "active": agency.active}
    if not creating:
        detail["changes"] = audit.changes_of(agency, stored)
    audit.record(
        actor=actor,
        action=f"agency.{'create' if creating else 'update'}",
        target=agency,
        origin=origin,
        detail=detail,
    )
    return agency


@transaction.atomic
def agency_set_active(*, actor: User, agency: Agency, active: bool, origin: Origin) -> Agency:
    """Stop offering an agency for new requests (its past requests keep it), or offer it again."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check(actor, agency)
    if agency.active == active:
        return agency
    agency.active = active
    agency.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="agency.reactivate" if active else "agency.deactivate",
        target=agency,
        origin=origin,
        detail={"kind": agency.kind},
    )
    return agency
