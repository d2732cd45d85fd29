"""The only place that decides who sees what. Anything outside these sets is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from outreach import audit
from outreach.models import TEAM_ROLES, Client, Municipality, Role, Team, User
from outreach.origin import Origin

if TYPE_CHECKING:
    from django.http import HttpRequest

M = TypeVar("M", bound=models.Model)


def visible_teams(user: User) -> QuerySet[Team]:
    """Teams whose client records the user may open (workers and supervisors: their own)."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    if user.role in TEAM_ROLES:
        return Team.objects.filter(members=user)
    return Team.objects.none()


def visible_clients(user: User) -> QuerySet[Client]:
    """Clients this user may open. Partners, coordinators and admins open no client record."""
    if not user.is_authenticated or not user.is_active or user.role not in TEAM_ROLES:
        return Client.objects.none()
    return Client.objects.filter(team__in=Team.objects.filter(members=user).values("pk"))


def scoped(qs: QuerySet[M], user: User, *, via: str) -> QuerySet[M]:
    """Limit any queryset to rows whose `via` client is visible to `user`."""
    if not user.is_authenticated or user.role not in TEAM_ROLES:
        return qs.none()
    return qs.filter(**{f"{via}__team__in": Team.objects.filter(members=user).values("pk")})


def client_for_request(request: HttpRequest, pk: int, *, action: str = "client.view") -> Client:
    """Return a client the requester may open, auditing the read; 404 otherwise."""
    client = get_object_or_404(
        visible_clients(request.user).select_related(
            "team", "tandem__professional", "tandem__peer"
        ),
        pk=pk,
    )
    audit.record(action=action, target=client, origin=Origin.from_request(request))
    return client


def is_in_tandem(user: User, client: Client) -> bool:
    """Whether the user is one of the two workers of the client's tandem."""
    tandem = client.tandem
    return tandem is not None and user.pk in tandem.member_ids()


def can_manage_team(user: User, team: Team) -> bool:
    """Supervisors of the team."""
    return user.role == Role.SUPERVISOR and user.teams.filter(pk=team.pk).exists()


def managed_teams(user: User) -> QuerySet[Team]:
    """Teams the user supervises (answers for their records, e.g. a possible duplicate)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.SUPERVISOR:
        return Team.objects.none()
    return Team.objects.filter(members=user)


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities whose aggregate figures and referrals the user may see."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.role == Role.COORDINATOR and user.municipality_id:
        return Municipality.objects.filter(pk=user.municipality_id)
    if user.role == Role.SUPERVISOR:
        return Municipality.objects.filter(teams__members=user).distinct()
    return Municipality.objects.none()


def can_manage_api_tokens(user: User) -> bool:
    """Whether the user may make and revoke their own API tokens: signed in past the second factor."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not settings.OUTREACH_REQUIRE_2FA:
        return True
    # django-otp's middleware puts is_verified() on the signed-in user of a request.
    return bool(getattr(user, "is_verified", lambda: False)())


def can_change_access(actor: User, user: User) -> bool:
    """Whether the actor may change the user's role, teams or admin rights: never their own."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        return False
    return actor.pk != user.pk


def sees_team_access_changes(user: User) -> bool:
    """Supervisors see who changed the roles and teams of their teams' members."""
    return user.is_authenticated and user.role == Role.SUPERVISOR
