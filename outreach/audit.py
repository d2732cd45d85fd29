"""The one way to write an AuditEvent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from outreach.models import AuditEvent, Client
from outreach.origin import Origin

if TYPE_CHECKING:
    from outreach.models import User


def _client_of(target: models.Model | None) -> Client | None:
    if target is None:
        return None
    if isinstance(target, Client):
        return target
    client = getattr(target, "client", None)
    return client if isinstance(client, Client) else None


def record(
    *,
    origin: Origin,
    action: str,
    actor: User | None = None,
    target: models.Model | None = None,
    client: Client | None = None,
    client_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: who, in which role, did what, to which object and client, from where.

    ``actor`` defaults to the origin's; a service passes the user it acts for explicitly.
    """
    client = client or _client_of(target)
    event = _event(origin, actor if actor is not None else origin.actor, action)
    event.object_type = target._meta.label_lower if target is not None else ""
    event.object_id = str(target.pk) if target is not None and target.pk is not None else ""
    event.client = client
    event.detail = detail or {}
    if client is None and client_id is not None:
        event.client_id = client_id
    event.save(force_insert=True)
    return event


def _event(origin: Origin, actor: User | None, action: str) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        ip_address=origin.ip,
        user_agent=origin.user_agent,
        path=origin.path,
        token_name=origin.token_name,
    )


def record_many(
    *,
    origin: Origin,
    action: str,
    client_ids: set[int] | list[int],
    actor: User | None = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event per client for a list read, in one INSERT (none for an empty list).

    Every page and API list that shows client data calls this with the clients it shows, so
    each record's own trail has the read; ``target`` names the object the list belongs to
    (e.g. the referral whose duplicate candidates are shown).
    """
    actor = actor if actor is not None else origin.actor
    events = []
    for client_id in sorted(set(client_ids)):
        event = _event(origin, actor, action)
        event.client_id = client_id
        if target is not None:
            event.object_type = target._meta.label_lower
            event.object_id = str(target.pk)
        event.detail = detail or {}
        events.append(event)
    if events:
        AuditEvent.objects.bulk_create(events)
