"""The one way to write an AuditEvent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from outreach.models import AuditEvent, Client

if TYPE_CHECKING:
    from django.http import HttpRequest

    from outreach.models import User


def _client_of(target: models.Model | None) -> Client | None:
    if target is None:
        return None
    if isinstance(target, Client):
        return target
    client = getattr(target, "client", None)
    return client if isinstance(client, Client) else None


def _ip(request: HttpRequest) -> str | None:
    # Behind the proxy of docker-compose the address is in X-Forwarded-For; otherwise REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    client: Client | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: who, in which role, did what, to which object and client, from where."""
    client = client or _client_of(target)
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        client=client,
        detail=detail or {},
    )
    if request is not None:
        event.ip_address = _ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        event.path = request.get_full_path()[:300]
    event.save(force_insert=True)
    return event
