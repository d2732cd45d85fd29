"""Who sees and does what with referrals: thin compositions of `outreach.access` plus the rules
of this app. The only module of `referrals` that compares roles; templates ask it through
`referrals.context_processors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from outreach import access, audit
from outreach.models import Municipality, Role, Team, User
from outreach.origin import Origin
from referrals.models import DuplicateCheck, Referral

if TYPE_CHECKING:
    from django.http import HttpRequest

TRIAGE_ROLES = frozenset({Role.COORDINATOR, Role.SUPERVISOR})
SUBMIT_ROLES = frozenset(
    {Role.PARTNER, Role.PROFESSIONAL, Role.PEER, Role.SUPERVISOR, Role.COORDINATOR}
)


def _active(user: User) -> bool:
    return access.is_active(user)


def can_triage(user: User) -> bool:
    """Tell whether the user screens and decides referrals (coordinators and supervisors)."""
    return _active(user) and user.role in TRIAGE_ROLES


def can_submit(user: User) -> bool:
    """Tell whether the user may submit a referral (partners and the teams' staff)."""
    return _active(user) and user.role in SUBMIT_ROLES


def records_received_referrals(user: User) -> bool:
    """Tell whether the user records referrals received by phone, letter or in person.

    Staff say where a referral came from and when; a partner refers for their own organisation.
    """
    return can_submit(user) and user.role != Role.PARTNER


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Referrals this user may open; anything else is a 404.

    Partners and workers: the ones they submitted. Coordinators: their municipality's.
    Supervisors: the municipalities of their teams.
    """
    if not _active(user):
        return Referral.objects.none()
    if user.role in TRIAGE_ROLES:
        return Referral.objects.filter(
            municipality__in=access.visible_municipalities(user).values("pk")
        )
    if user.role == Role.PARTNER or access.works_in_tandem(user):
        return Referral.objects.filter(submitted_by=user)
    return Referral.objects.none()


def triage_referrals(user: User) -> QuerySet[Referral]:
    """Referrals this user may screen and decide."""
    if not can_triage(user):
        return Referral.objects.none()
    return visible_referrals(user)


def submit_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities the user may submit a referral to."""
    if not can_submit(user):
        return Municipality.objects.none()
    if user.role in (Role.PARTNER, Role.COORDINATOR):
        return Municipality.objects.filter(pk=user.municipality_id)
    return Municipality.objects.filter(teams__members=user).distinct()


def referral_for_request(
    request: HttpRequest, pk: int, *, triage: bool = False, action: str = "referral.view"
) -> Referral:
    """Return a referral the requester may open (or triage), auditing the read; 404 otherwise."""
    qs = triage_referrals(request.user) if triage else visible_referrals(request.user)
    referral = get_object_or_404(
        qs.select_related(
            "municipality", "team", "client", "submitted_by", "decided_by", "criteria_version"
        ),
        pk=pk,
    )
    audit.record(action=action, target=referral, origin=Origin.from_request(request))
    return referral


def checkable_duplicates(user: User) -> QuerySet[DuplicateCheck]:
    """Duplicate checks this user answers: those of the teams they supervise; else a 404."""
    return DuplicateCheck.objects.filter(
        team__in=access.managed_teams(user).values("pk"),
        referral__in=visible_referrals(user).values("pk"),
    )


def can_check_duplicates(user: User) -> bool:
    """Supervisors answer the possible duplicates found among their teams' clients."""
    return _active(user) and user.role == Role.SUPERVISOR


def duplicate_check_for_request(
    request: HttpRequest, pk: int, *, action: str = "referral.duplicate_check_view"
) -> DuplicateCheck:
    """Return a duplicate check the requester answers, auditing the read; 404 otherwise."""
    check = get_object_or_404(
        checkable_duplicates(request.user).select_related(
            "referral__municipality", "referral__submitted_by", "team", "opened_by", "resolved_by"
        ),
        pk=pk,
    )
    audit.record(action=action, target=check, origin=Origin.from_request(request))
    return check


def place_offer_teams(user: User) -> QuerySet[Team]:
    """Teams whose free places the user offers to the waiting list: a coordinator's municipality,
    a supervisor's own teams."""
    if not _active(user):
        return Team.objects.none()
    if user.role == Role.COORDINATOR and user.municipality_id:
        return Team.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.SUPERVISOR:
        return access.managed_teams(user)
    return Team.objects.none()


def can_offer_place(user: User, team: Team) -> bool:
    """Tell whether the user may offer a free place of the team to its waiting list."""
    return place_offer_teams(user).filter(pk=team.pk).exists()
