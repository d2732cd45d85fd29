"""Who sees and does what in the core record: the querysets every app starts from, and the
yes/no questions of the core pages. Anything outside these sets is a 404.

The only module of `outreach` that compares roles. Each feature app keeps its own questions in
`<app>/access.py`, built on this one; templates ask them through context processors (`access.…`
from `outreach.context_processors`). `tests/test_architecture.py` fails on a role comparison
anywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from outreach import audit
from outreach.models import Client, Contact, Municipality, Role, Team, User
from outreach.origin import Origin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

M = TypeVar("M", bound=models.Model)

# The two workers of a tandem: a mental-health professional and a peer (expert by experience).
WORKER_ROLES = frozenset({Role.PROFESSIONAL, Role.PEER})
# Who works with the clients of their teams: the workers and the teams' supervisors.
TEAM_ROLES = frozenset({Role.PROFESSIONAL, Role.PEER, Role.SUPERVISOR})


def is_active(user: User | AnonymousUser | None) -> bool:
    """Tell whether `user` is a signed-in, active account (every question starts here)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user: User | AnonymousUser | None, *roles: str) -> bool:
    """Tell whether `user` is active and has one of `roles`; for access modules only."""
    return is_active(user) and user.role in roles


# --- Who the user is ------------------------------------------------------------------------


def works_in_team(user: User) -> bool:
    """Tell whether the user works with the clients of their teams (a worker or a supervisor)."""
    return has_role(user, *TEAM_ROLES)


def works_in_tandem(user: User) -> bool:
    """Tell whether the user is a tandem worker with a caseload of their own (not a supervisor)."""
    return has_role(user, *WORKER_ROLES)


def _supervises(user: User) -> bool:
    return has_role(user, Role.SUPERVISOR)


def _coordinates(user: User) -> bool:
    return has_role(user, Role.COORDINATOR)


# --- Core querysets --------------------------------------------------------------------------


def visible_teams(user: User) -> QuerySet[Team]:
    """Teams whose client records the user may open (workers and supervisors: their own)."""
    if not works_in_team(user):
        return Team.objects.none()
    return Team.objects.filter(members=user)


def team_workers(team: Team | int) -> QuerySet[User]:
    """Active workers and supervisors of a team: the people who may work with its clients."""
    return User.objects.filter(teams=team, is_active=True, role__in=TEAM_ROLES)


def visible_clients(user: User) -> QuerySet[Client]:
    """Clients this user may open. Partners, coordinators and admins open no client record."""
    if not works_in_team(user):
        return Client.objects.none()
    return Client.objects.filter(team__in=Team.objects.filter(members=user).values("pk"))


def scoped(qs: QuerySet[M], user: User, *, via: str) -> QuerySet[M]:
    """Limit any queryset to rows whose `via` client is visible to `user`."""
    if not works_in_team(user):
        return qs.none()
    return qs.filter(**{f"{via}__team__in": Team.objects.filter(members=user).values("pk")})


def client_or_404(request: HttpRequest, pk: int) -> Client:
    """Return a client the requester may open, not yet audited; 404 otherwise.

    For a view that asks more questions (the contact, the author, the form) before it shows
    anything: it calls `audit_read` once every check has passed, so a refused request leaves
    no audit row.
    """
    return get_object_or_404(
        visible_clients(request.user).select_related(
            "team", "tandem__professional", "tandem__peer"
        ),
        pk=pk,
    )


def audit_read(
    request: HttpRequest,
    target: models.Model,
    *,
    action: str,
    client: Client | None = None,
    detail: dict | None = None,
) -> None:
    """Audit a read that every access check has allowed (call it last, before rendering)."""
    audit.record(
        action=action,
        target=target,
        client=client,
        detail=detail,
        origin=Origin.from_request(request),
    )


def client_for_request(request: HttpRequest, pk: int, *, action: str = "client.view") -> Client:
    """Return a client the requester may open, auditing the read; 404 otherwise."""
    client = client_or_404(request, pk)
    audit_read(request, client, action=action)
    return client


def managed_teams(user: User) -> QuerySet[Team]:
    """Teams the user supervises (answers for their records, e.g. a possible duplicate)."""
    if not _supervises(user):
        return Team.objects.none()
    return Team.objects.filter(members=user)


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities whose aggregate figures and referrals the user may see."""
    if _coordinates(user) and user.municipality_id:
        return Municipality.objects.filter(pk=user.municipality_id)
    if _supervises(user):
        return Municipality.objects.filter(teams__members=user).distinct()
    return Municipality.objects.none()


# --- Questions of the core pages -------------------------------------------------------------


def start_page(user: User) -> str | None:
    """Name the URL where the user's work starts, or None for the plain welcome page."""
    if works_in_tandem(user):
        return "outreach:caseload"
    if _supervises(user):
        return "outreach:team-caseload"
    if has_role(user, Role.PARTNER, Role.COORDINATOR):
        return "referrals:referral-list"
    return None


def sees_team_caseload(user: User) -> bool:
    """Tell whether the user has their teams' caseload pages and finds their clients."""
    return works_in_team(user)


def can_open_record(user: User) -> bool:
    """Tell whether the user may open a new record for a person their team starts to engage."""
    return works_in_team(user)


def is_in_tandem(user: User, client: Client) -> bool:
    """Tell whether the user is one of the two workers of the client's tandem."""
    tandem = client.tandem
    return is_active(user) and tandem is not None and user.pk in tandem.member_ids()


def can_manage_team(user: User, team: Team) -> bool:
    """Tell whether the user supervises the team (assigns its tandems, sees its changes)."""
    return _supervises(user) and user.teams.filter(pk=team.pk).exists()


def can_edit_contact(user: User, contact: Contact) -> bool:
    """Tell whether the user may change the contact: its author only."""
    return is_active(user) and contact.author_id == user.pk


def can_view_audit_trail(user: User) -> bool:
    """Tell whether the user sees the audit trail of the records they may open (supervisors)."""
    return _supervises(user)


def can_administer(user: User) -> bool:
    """Tell whether the user is an administrator (users, teams and lists in the admin)."""
    return has_role(user, Role.ADMIN)


def can_manage_api_tokens(user: User) -> bool:
    """Tell whether the user may make and revoke their own API tokens: past the second factor."""
    if not is_active(user):
        return False
    if not settings.OUTREACH_REQUIRE_2FA:
        return True
    # django-otp's middleware puts is_verified() on the signed-in user of a request.
    return bool(getattr(user, "is_verified", lambda: False)())


def can_change_access(actor: User, user: User) -> bool:
    """Tell whether the actor may change the user's role, teams or admin rights: never their own."""
    if not is_active(actor):
        return False
    if not (actor.is_superuser or can_administer(actor)):
        return False
    return actor.pk != user.pk


def sees_team_access_changes(user: User) -> bool:
    """Tell whether the user sees who changed the roles and teams of their teams' members."""
    return _supervises(user)
