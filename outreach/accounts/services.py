"""Writes about accounts: API tokens, and changes of a user's role, teams and admin rights."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.models import ApiToken, Team, User

if TYPE_CHECKING:
    from outreach.origin import Origin

PREFIX_BYTES = 6  # 12 hex characters: finds the row, not secret
SECRET_BYTES = 32  # 256 random bits: a fast hash is enough, no password stretching needed
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most once a minute


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    key: str  # shown once to the owner; only its hash is stored


@transaction.atomic
def api_token_create(
    *, owner: User, name: str, origin: Origin, days: int | None = None
) -> NewApiToken:
    """Make an API token for its owner, who is past the second factor; return the key once."""
    if not access.can_manage_api_tokens(owner):
        raise PermissionDenied("API tokens are made by their owner after the second factor.")
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": ValidationError(_("Give the token a name."), code="token_name_required")}
        )
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_DAYS:
        message = _("A token is valid for 1 to %(max)d days.") % {"max": settings.API_TOKEN_DAYS}
        raise ValidationError({"days": ValidationError(message, code="token_days")})
    prefix = secrets.token_hex(PREFIX_BYTES)
    key = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    now = timezone.now()
    token = ApiToken(
        user=owner,
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit.record(
        actor=owner,
        action="api_token.create",
        target=token,
        origin=origin,
        detail={"prefix": prefix, "expires_at": token.expires_at.isoformat()},
    )
    return NewApiToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, origin: Origin) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_token.revoke",
            target=token,
            origin=origin,
            detail={"prefix": token.prefix, "owner": token.user.username},
        )
    return token


def api_token_check(*, key: str) -> ApiToken | None:
    """Return the usable token of this key (not revoked, not expired, active owner), else None."""
    prefix, dot, _secret = key.partition(".")
    if not dot or not prefix:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compare in constant time even when no row matched, so timing tells nothing.
    expected = token.key_hash if token is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(key)) or token is None:
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # A timestamp, not a change of the token: one UPDATE, no audit row.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- role, teams and admin rights ---------------------------------------------------------


@dataclass(frozen=True)
class AccessState:
    """What decides what a user may see: role, teams and the admin flags."""

    role: str
    team_ids: frozenset[int]
    is_staff: bool
    is_superuser: bool


NO_ACCESS = AccessState(role="", team_ids=frozenset(), is_staff=False, is_superuser=False)

ROLE_CHANGE = "user.role_change"
TEAMS_CHANGE = "user.teams_change"
RIGHTS_CHANGE = "user.admin_rights_change"
ACCESS_ACTIONS = (ROLE_CHANGE, TEAMS_CHANGE, RIGHTS_CHANGE)


def access_state(user: User) -> AccessState:
    """Read the user's stored role, teams and admin flags."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    return AccessState(
        role=stored.role,
        team_ids=frozenset(stored.teams.values_list("pk", flat=True)),
        is_staff=stored.is_staff,
        is_superuser=stored.is_superuser,
    )


def _team_names(ids: Iterable[int]) -> list[str]:
    return sorted(Team.objects.filter(pk__in=ids).values_list("name", flat=True))


@transaction.atomic
def user_access_change(
    *,
    actor: User,
    user: User,
    role: str,
    teams: Iterable[Team],
    is_staff: bool,
    is_superuser: bool,
    origin: Origin,
    created: bool = False,
) -> User:
    """Set a user's role, teams and admin flags; never one's own; audit each change."""
    before = NO_ACCESS if created else access_state(user)
    teams = list(teams)
    after = AccessState(
        role=role,
        team_ids=frozenset(t.pk for t in teams),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if before == after:
        return user
    if not access.can_change_access(actor, user):
        raise ValidationError(
            _(
                "Your own role, teams and administrator rights are changed by another "
                "administrator."
            ),
            code="own_access_change",
        )
    user.role, user.is_staff, user.is_superuser = role, is_staff, is_superuser
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    user.teams.set(teams)
    # Supervisors of every team the user leaves, joins or is in see the change.
    affected = sorted(before.team_ids | after.team_ids)
    common = {"user": user.username, "user_id": user.pk, "teams": affected, "new_user": created}
    if before.role != after.role:
        audit.record(
            actor=actor,
            action=ROLE_CHANGE,
            target=user,
            origin=origin,
            detail={**common, "old": before.role, "new": after.role},
        )
    if before.team_ids != after.team_ids:
        audit.record(
            actor=actor,
            action=TEAMS_CHANGE,
            target=user,
            origin=origin,
            detail={
                **common,
                "old": _team_names(before.team_ids),
                "new": _team_names(after.team_ids),
            },
        )
    if (before.is_staff, before.is_superuser) != (after.is_staff, after.is_superuser):
        audit.record(
            actor=actor,
            action=RIGHTS_CHANGE,
            target=user,
            origin=origin,
            detail={
                **common,
                "old": {"is_staff": before.is_staff, "is_superuser": before.is_superuser},
                "new": {"is_staff": after.is_staff, "is_superuser": after.is_superuser},
            },
        )
    return user
