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
from outreach.models import (
    Agency,
    AuditEvent,
    Client,
    Contact,
    EmergencyAccess,
    Municipality,
    PlannedVisit,
    Role,
    Team,
    User,
)
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


def _protects_data(user: User) -> bool:
    return has_role(user, Role.DPO)


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


# --- Break the glass: read-only access to another team's client through an active grant ---


def active_grant(user: User, client: Client | int) -> EmergencyAccess | None:
    """Return the user's unexpired emergency grant to the client, if any."""
    if not works_in_team(user):
        return None
    client_id = client if isinstance(client, int) else client.pk
    return (
        EmergencyAccess.objects.active()
        .filter(user=user, client_id=client_id)
        .order_by("-expires_at")
        .first()
    )


def readable_clients(user: User) -> QuerySet[Client]:
    """Clients the user may read: their teams' clients and those of an active emergency grant.

    Only pages that change nothing start from this set; every form and write starts from
    `visible_clients`, so a grant never lets anyone change a record.
    """
    if not works_in_team(user):
        return Client.objects.none()
    granted = EmergencyAccess.objects.active().filter(user=user).values("client_id")
    return Client.objects.filter(
        models.Q(team__in=Team.objects.filter(members=user).values("pk")) | models.Q(pk__in=granted)
    )


def scoped_readable(qs: QuerySet[M], user: User, *, via: str) -> QuerySet[M]:
    """Limit a queryset to rows whose `via` client the user may read (grants included)."""
    if not works_in_team(user):
        return qs.none()
    return qs.filter(**{f"{via}__in": readable_clients(user).values("pk")})


def of_own_team(user: User, *, via: str = "") -> models.Exists:
    """An expression: whether the row's (`via`) client is of one of the user's teams."""
    field = f"{via}__team_id" if via else "team_id"
    return models.Exists(Team.objects.filter(pk=models.OuterRef(field), members=user))


def client_for_reading(request: HttpRequest, pk: int, *, action: str = "client.view") -> Client:
    """Return a client the requester may read, auditing it; a read under a grant is flagged.

    The client carries `emergency_access`: the grant it was opened through, or None.
    """
    client = get_object_or_404(
        readable_clients(request.user)
        .select_related("team", "tandem__professional", "tandem__peer")
        .annotate(of_own_team=of_own_team(request.user)),
        pk=pk,
    )
    grant = None if client.of_own_team else active_grant(request.user, client)
    client.emergency_access = grant
    audit.record(
        action=action,
        target=client,
        origin=Origin.from_request(request),
        detail=emergency_detail(grant),
    )
    return client


def emergency_detail(grant: EmergencyAccess | None) -> dict:
    """The audit detail that flags a read under an emergency grant."""
    return {} if grant is None else {"emergency": True, "grant": grant.pk}


def can_request_emergency_access(user: User) -> bool:
    """Tell whether the user may break the glass for another team's client (workers, supervisors)."""
    return works_in_team(user)


def emergency_access_target(user: User, code: str) -> Client | None:
    """Find the client of an exact code the user may ask emergency access to (another team's)."""
    if not can_request_emergency_access(user) or not code.strip():
        return None
    return (
        Client.objects.filter(code__iexact=code.strip())
        .exclude(team__in=Team.objects.filter(members=user).values("pk"))
        .select_related("team")
        .first()
    )


def emergency_access_of(user: User) -> QuerySet[EmergencyAccess]:
    """The user's own emergency grants."""
    if not is_active(user):
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(user=user)


def sees_emergency_reviews(user: User) -> bool:
    """Tell whether the user reviews emergency access to their teams' clients (supervisors)."""
    return _supervises(user)


def emergency_reviews(user: User) -> QuerySet[EmergencyAccess]:
    """Emergency grants to clients of the teams the user supervises."""
    if not _supervises(user):
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(
        client__team__in=Team.objects.filter(members=user).values("pk")
    )


def can_review_emergency_access(user: User, grant: EmergencyAccess) -> bool:
    """Tell whether the user may review the grant: a supervisor of the client's team, not its user."""
    return (
        _supervises(user)
        and grant.user_id != user.pk
        and user.teams.filter(pk=grant.client.team_id).exists()
    )


# --- Access reports: supervisors for their teams, data-protection officers for a municipality --


def is_data_protection_officer(user: User) -> bool:
    """Tell whether the user is a data-protection officer (audit rows and codes, no clinical data)."""
    return _protects_data(user)


def sees_access_report(user: User) -> bool:
    """Tell whether the user has the access report (supervisors and data-protection officers)."""
    return _supervises(user) or (_protects_data(user) and bool(user.municipality_id))


def access_report_teams(user: User) -> QuerySet[Team]:
    """Teams whose clients' audit rows the user's access report covers."""
    if _protects_data(user) and user.municipality_id:
        return Team.objects.filter(municipality_id=user.municipality_id)
    if _supervises(user):
        return Team.objects.filter(members=user)
    return Team.objects.none()


def access_report_events(user: User) -> QuerySet[AuditEvent]:
    """Audit rows about clients of the teams of the user's access report."""
    return AuditEvent.objects.filter(
        client_id__in=Client.objects.filter(team__in=access_report_teams(user)).values("pk")
    )


def access_report_grants(user: User) -> QuerySet[EmergencyAccess]:
    """Emergency grants to clients of the teams of the user's access report."""
    return EmergencyAccess.objects.filter(client__team__in=access_report_teams(user))


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
        return "indicators:my-work"
    if _supervises(user):
        return "outreach:team-caseload"
    if has_role(user, Role.PARTNER, Role.COORDINATOR):
        return "referrals:referral-list"
    if can_administer(user):
        return "admin:index"
    if _protects_data(user):
        return "outreach:access-report"
    return None


def sees_team_caseload(user: User) -> bool:
    """Tell whether the user has their teams' caseload pages and finds their clients."""
    return works_in_team(user)


def works_offline(user: User) -> bool:
    """Tell whether the user's phone keeps their caseload and My work for work without signal.

    The team's workers and supervisors: their own caseload only, never another team's.
    """
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


def can_write_record(user: User, client: Client) -> bool:
    """Tell whether the user adds to or changes the client's case record: an active worker or
    supervisor of the client's own team."""
    return is_active(user) and works_in_team(user) and user.teams.filter(pk=client.team_id).exists()


def can_edit_contact(user: User, contact: Contact) -> bool:
    """Tell whether the user may change the contact: its author only."""
    return is_active(user) and contact.author_id == user.pk


def can_erase_client(user: User, client: Client) -> bool:
    """Tell whether the user may erase the record on request: the team's supervisor or an admin."""
    return can_manage_team(user, client.team) or can_administer(user)


def can_export_client(user: User, client: Client) -> bool:
    """Tell whether the user may make the client's copy: the team's supervisor or their tandem."""
    return can_manage_team(user, client.team) or is_in_tandem(user, client)


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


# --- Planned visits: the tandem's week --------------------------------------------------------


def plans_visits(user: User) -> bool:
    """Tell whether the user has the week's plan of visits (workers and supervisors)."""
    return works_in_team(user)


def colleagues(user: User) -> QuerySet[User]:
    """Active workers and supervisors of the user's teams (who may go on a visit)."""
    return User.objects.filter(
        teams__in=visible_teams(user), is_active=True, role__in=TEAM_ROLES
    ).distinct()


def visible_visits(user: User) -> QuerySet[PlannedVisit]:
    """Planned visits to clients of the user's teams; any other visit is a 404."""
    return scoped(PlannedVisit.objects.all(), user, via="client")


def can_close_visit(user: User, visit: PlannedVisit) -> bool:
    """Tell whether the user may log the visit's contact or mark it missed: it is still planned
    and the user writes the client's record."""
    return visit.is_open and can_write_record(user, visit.client)


def sees_team_costs(user: User) -> bool:
    """Tell whether the user sees the travel and spending figures of teams (supervisors)."""
    return _supervises(user)


def team_costs_teams(user: User) -> QuerySet[Team]:
    """Teams whose internal costs (travel, spending per client served) the user may see: the
    teams they supervise. Never published: no coordinator, partner or public page has them."""
    if not _supervises(user):
        return Team.objects.none()
    return Team.objects.filter(members=user)


def sees_open_complaints(user: User) -> bool:
    """Tell whether open complaints of the team's clients are on the user's work list
    (supervisors)."""
    return _supervises(user)


def can_close_complaint(user: User, client: Client) -> bool:
    """Tell whether the user may record a complaint's outcome and close it: the team's
    supervisor (the team records complaints and responses)."""
    return can_manage_team(user, client.team)


def can_record_team_training(user: User, team: Team) -> bool:
    """Tell whether the user records the team's trainings and supervision sessions: an active
    worker or supervisor of the team (they are seen by the team, as `visible_teams`)."""
    return works_in_team(user) and user.teams.filter(pk=team.pk).exists()


# --- The agency directory of a municipality ---------------------------------------------------


def manages_agency_directory(user: User) -> bool:
    """Tell whether the user keeps an agency directory: a coordinator, of their municipality."""
    return _coordinates(user) and bool(user.municipality_id)


def directory_municipality_id(user: User) -> int | None:
    """The municipality whose directory the user keeps (None for anyone else)."""
    return user.municipality_id if manages_agency_directory(user) else None


def directory_agencies(user: User) -> QuerySet[Agency]:
    """Agencies of the directory the user keeps (offered or not); any other agency is a 404."""
    if not manages_agency_directory(user):
        return Agency.objects.none()
    return Agency.objects.filter(municipality_id=user.municipality_id)


def can_manage_agency(user: User, agency: Agency) -> bool:
    """Tell whether the user may add, correct or stop offering the agency: the coordinator of
    its municipality."""
    return manages_agency_directory(user) and agency.municipality_id == user.municipality_id
