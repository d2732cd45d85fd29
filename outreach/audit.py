"""The one way to write an AuditEvent."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
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
    event.detail = _with_recorded_at(detail, origin)
    if client is None and client_id is not None:
        event.client_id = client_id
    event.save(force_insert=True)
    return event


def _with_recorded_at(detail: dict[str, Any] | None, origin: Origin) -> dict[str, Any]:
    """Add when the worker recorded it to the detail of a write the phone's outbox sent later."""
    detail = dict(detail or {})
    if origin.recorded_at is not None:
        detail["recorded_at"] = origin.recorded_at.isoformat()
    return detail


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
        event.detail = _with_recorded_at(detail, origin)
        events.append(event)
    if events:
        AuditEvent.objects.bulk_create(events)


# --- What an update changed ------------------------------------------------------------------

# A CharField this long holds free text (a note, a reason in words), not a code or a name.
FREE_TEXT_MIN_LENGTH = 200


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def stored_values(instance: models.Model) -> dict[str, Any]:
    """Read the row as stored (one query) before an update changes it; {} for a new row.

    An update service calls it first, then `changes_of(instance, before)` after saving, and puts
    the result in the audit event's detail["changes"].
    """
    if instance.pk is None:
        return {}
    fields = _tracked_fields(type(instance))
    row = (
        type(instance)
        ._base_manager.filter(pk=instance.pk)
        .values(*(f.attname for f in fields))
        .first()
    )
    if row is None:
        return {}
    return {f.name: row[f.attname] for f in fields}


def changes_of(
    instance: models.Model, before: dict[str, Any], *, extra: dict[str, tuple] | None = None
) -> dict[str, dict[str, Any]]:
    """Name each field whose value differs from `before`, with its old and new value.

    Free text (a TextField, a JSONField or a long CharField without choices) is stored as its
    sha256 and length only, so the audit log shows that a note changed and how much, without
    becoming a second copy of the notes. `extra` adds values that are not fields of the row
    (e.g. the ids of a many-to-many), as (old, new) pairs.
    """
    changes: dict[str, dict[str, Any]] = {}
    for name, old in before.items():
        field = instance._meta.get_field(name)
        new = (
            field.to_python(getattr(instance, field.attname))
            if not field.is_relation
            else (getattr(instance, field.attname))
        )
        if old == new:
            continue
        changes[name] = {"old": _shown(field, old), "new": _shown(field, new)}
    for name, (old, new) in (extra or {}).items():
        if old != new:
            changes[name] = {"old": _plain(old), "new": _plain(new)}
    return changes


def _is_free_text(field: models.Field) -> bool:
    if isinstance(field, models.TextField | models.JSONField):
        return True
    return (
        isinstance(field, models.CharField)
        and not field.choices
        and (field.max_length or 0) >= FREE_TEXT_MIN_LENGTH
    )


def _shown(field: models.Field, value: Any) -> Any:
    if value is None or not _is_free_text(field):
        return _plain(value)
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)
    )
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(_plain(v) for v in value)
    if isinstance(value, models.Model):
        return value.pk
    return value
