"""Reads about accounts, always given the user who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access
from outreach.accounts.services import ACCESS_ACTIONS, RIGHTS_CHANGE, ROLE_CHANGE
from outreach.models import ApiToken, AuditEvent, Role, User

TEAM_CHANGES_DAYS = 90
TEAM_CHANGES_SHOWN = 50


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (never anyone else's)."""
    return ApiToken.objects.filter(user=user).only(
        "id", "user_id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"
    )


@dataclass(frozen=True)
class AccessChange:
    """One change of a member's role, teams or admin rights, as a supervisor reads it."""

    at: datetime
    by: str
    whom: str
    what: str
    old: str
    new: str


def _rights(flags: dict) -> str:
    names = []
    if flags.get("is_staff"):
        names.append(_("staff"))
    if flags.get("is_superuser"):
        names.append(_("superuser"))
    return ", ".join(names) or "—"


def _describe(event: AuditEvent) -> AccessChange:
    detail = event.detail
    old, new = detail.get("old"), detail.get("new")
    if event.action == ROLE_CHANGE:
        labels = dict(Role.choices)
        what = _("role")
        old_text, new_text = str(labels.get(old, old or "—")), str(labels.get(new, new or "—"))
    elif event.action == RIGHTS_CHANGE:
        what = _("administrator rights")

        old_text, new_text = _rights(old or {}), _rights(new or {})
    else:
        what = _("teams")
        old_text, new_text = ", ".join(old or []) or "—", ", ".join(new or []) or "—"
    if detail.get("new_user"):
        what = _("%(what)s (new account)") % {"what": what}
    return AccessChange(
        at=event.at,
        by=event.actor_username,
        whom=str(detail.get("user", "")),
        what=what,
        old=old_text,
        new=new_text,
    )


def team_access_changes(*, user: User) -> list[AccessChange]:
    """Recent role, team and rights changes touching the supervisor's teams, newest first."""
    if not access.sees_team_access_changes(user):
        return []
    own = set(access.visible_teams(user).values_list("pk", flat=True))
    if not own:
        return []
    since = timezone.now() - timedelta(days=TEAM_CHANGES_DAYS)
    # Such changes are rare (a few a month): filter the teams in Python, which works on SQLite
    # and PostgreSQL alike, rather than with a JSON containment lookup.
    events = AuditEvent.objects.filter(action__in=ACCESS_ACTIONS, at__gte=since).only(
        "at", "actor_username", "action", "detail"
    )
    changes = [_describe(e) for e in events if own & set(e.detail.get("teams", []))]
    return changes[:TEAM_CHANGES_SHOWN]
