"""The one way to write an AuditEvent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
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
    # Only the hops added by our own proxies can be trusted; the client writes the rest.
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    client: Client | None = None,
    client_id: int | None = None,
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
    if client is None and client_id is not None:
        event.client_id = client_id
    event = _finish(event, request)
    event.save(force_insert=True)
    return event


def _finish(event: AuditEvent, request: HttpRequest | None) -> AuditEvent:
    if request is not None:
        event.ip_address = _ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        event.path = request.get_full_path()[:300]
    return event


def record_many(
    *,
    actor: User | None,
    action: str,
    client_ids: set[int] | list[int],
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event per client for a list read, in one INSERT."""
    events = [
        _finish(
            AuditEvent(
                actor=actor if actor is not None and actor.is_authenticated else None,
                actor_username=getattr(actor, "username", "") or "",
                actor_role=getattr(actor, "role", "") or "",
                action=action,
                client_id=client_id,
                detail=detail or {},
            ),
            request,
        )
        for client_id in sorted(set(client_ids))
    ]
    AuditEvent.objects.bulk_create(events)
