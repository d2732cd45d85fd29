"""Retention and erasure: anonymise a client's record in every table that holds it.

What holds a client's data is found through the relations Django knows (`django.apps`), not a
list kept by hand: every model with a foreign key to the client, to one of those rows, and so
on, history tables of django-simple-history included (their rows point to the live rows, and
their `id` column holds the live row's key, which reaches rows of deleted objects too). In each
row found, free text (character fields without a list of choices), JSON, files and binary
content are blanked; choices, dates and numbers stay, so figures computed later still count the
episode, the contact or the crisis. Published snapshots and reports hold their numbers in their
own rows and are never touched.

The audit log keeps every row (it is append-only and holds no content): the erasure adds one
more, with the legal reason and who did it; the note stays on the `ClientErasure` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import audit
from outreach.models import (
    AuditEvent,
    Client,
    ClientErasure,
    Episode,
    ErasureReason,
    Municipality,
    User,
    new_client_code,
)
from outreach.origin import Origin

# Rows that refer to a client but are kept as they are: the audit trail (append-only; it says
# who read or changed what and when, never the content).
KEPT_MODELS: frozenset[type[models.Model]] = frozenset({AuditEvent})

TEXT_FIELDS = (models.CharField, models.TextField)


@dataclass(frozen=True)
class Plan:
    """What an erasure touches: each model's rows (primary keys), found from one client."""

    rows: dict[type[models.Model], set]

    def counts(self) -> dict[str, int]:
        """Rows per table, for the erasure record and the confirmation page."""
        return {
            model._meta.db_table: len(pks)
            for model, pks in sorted(self.rows.items(), key=lambda i: i[0]._meta.db_table)
            if pks
        }

    def described(self) -> list[tuple[str, int]]:
        """Rows per kind of record, in words, for the confirmation page (no content)."""
        out: dict[str, int] = {}
        for model, pks in self.rows.items():
            if not pks or model._meta.auto_created:
                continue
            name = str(model._meta.verbose_name_plural)
            out[name] = out.get(name, 0) + len(pks)
        return sorted(out.items())


def _original_model(model: type[models.Model]) -> type[models.Model] | None:
    """The tracked model of a django-simple-history table (its `instance_type`), else None."""
    original = getattr(model, "instance_type", None)
    return original if isinstance(original, type) and original is not model else None


def _relations(model: type[models.Model]) -> Iterable[models.Field]:
    """The concrete foreign keys and one-to-one keys of a model."""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None and not field.many_to_many:
            yield field


def _candidates() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m not in KEPT_MODELS]


def client_tables() -> list[type[models.Model]]:
    """Every model whose rows may hold a client's data (reached by relations from Client)."""
    reached: list[type[models.Model]] = [Client]
    changed = True
    while changed:
        changed = False
        for model in _candidates():
            if model in reached:
                continue
            if any(field.related_model in reached for field in _relations(model)):
                reached.append(model)
                changed = True
    return reached


def plan_for(client: Client) -> Plan:
    """Find every row that holds this client's data."""
    tables = client_tables()
    reached: dict[type[models.Model], set] = {model: set() for model in tables}
    reached[Client] = {client.pk}
    changed = True
    while changed:
        changed = False
        for model in tables:
            for field in _relations(model):
                target = field.related_model
                if target not in reached or target is model or not reached[target]:
                    continue
                found = set(
                    model._base_manager.filter(
                        **{f"{field.attname}__in": reached[target]}
                    ).values_list("pk", flat=True)
                )
                new = found - reached[model]
                if not new:
                    continue
                reached[model] |= new
                changed = True
                original = _original_model(model)
                if original is not None and original in reached:
                    # History rows keep the live row's key: it reaches the rows of objects
                    # that were deleted since (an action of a deleted goal, say).
                    ids = set(model._base_manager.filter(pk__in=new).values_list("id", flat=True))
                    reached[original] |= ids
    return Plan(rows=reached)


def _blank_values(model: type[models.Model]) -> dict[str, object]:
    values: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        if isinstance(field, models.FileField):
            values[field.name] = None if field.null else ""
        elif isinstance(field, TEXT_FIELDS):
            if field.choices or field.unique:
                continue  # a choice is not free text; a unique code is replaced apart
            values[field.name] = None if field.null else ""
        elif isinstance(field, models.JSONField):
            values[field.name] = None if field.null else field.get_default()
        elif isinstance(field, models.BinaryField):
            values[field.name] = None if field.null else b""
    return values


def _delete_files(model: type[models.Model], pks: Iterable) -> None:
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if not file_fields:
        return
    for row in model._base_manager.filter(pk__in=pks).only(*(f.name for f in file_fields)):
        for field in file_fields:
            stored = getattr(row, field.name)
            if stored and stored.name:
                stored.storage.delete(stored.name)


def _has_updated_at(model: type[models.Model]) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def _anonymise(plan: Plan, *, now) -> None:
    for model, pks in plan.rows.items():
        if not pks:
            continue
        _delete_files(model, pks)
        values = _blank_values(model)
        if model is Client:
            values.update(birth_date=None, anonymised_at=now, tandem=None)
        if values and _original_model(model) is None and _has_updated_at(model):
            values["updated_at"] = now  # so a system that syncs by ?updated_since= sees it
        if values:
            # .update() on purpose: a save() of a tracked model would write one more history
            # row with what is being erased.
            model._base_manager.filter(pk__in=pks).update(**values)
        if model is Client:
            for pk in pks:  # a new pseudonymous code: lists kept elsewhere no longer match
                Client._base_manager.filter(pk=pk).update(code=new_client_code())
        if not model._meta.auto_created and _original_model(model) is None:
            # The admin's change log names the object (its str) and what changed.
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
                object_id__in=[str(pk) for pk in pks],
            ).update(object_repr="", change_message="")


def can_be_erased(client: Client) -> bool:
    """Tell whether nothing stands in the way: not erased yet and no episode open."""
    return (
        client.anonymised_at is None and not client.episodes.filter(ended_on__isnull=True).exists()
    )


@transaction.atomic
def client_erase(
    *,
    client: Client,
    legal_reason: str,
    origin: Origin,
    note: str = "",
    actor: User | None = None,
) -> ClientErasure:
    """Anonymise the client's record in every table at once and record that it happened."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if legal_reason not in ErasureReason.values:
        raise ValidationError(_("Choose the legal reason for the erasure."), code="reason")
    if client.anonymised_at is not None:
        raise ValidationError(_("This record has already been anonymised."), code="erased")
    if client.episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError(
            _("The client is in care: discharge them before their record is erased."),
            code="episode_open",
        )
    actor = actor if actor is not None else origin.actor
    plan = plan_for(client)
    now = timezone.now()
    _anonymise(plan, now=now)
    erasure = ClientErasure.objects.create(
        client_id=client.pk,
        team_id=client.team_id,
        legal_reason=legal_reason,
        note=note.strip(),
        erased_by=actor if actor is not None and actor.is_authenticated else None,
        erased_at=now,
        rows=plan.counts(),
    )
    audit.record(
        origin=origin,
        actor=actor,
        action="client.erase",
        target=erasure,
        client_id=client.pk,
        detail={"legal_reason": legal_reason, "rows": sum(plan.counts().values())},
    )
    return erasure


def retention_cutoff(municipality: Municipality, *, today: date) -> date:
    """The last discharge date that is past the municipality's retention period."""
    return today - relativedelta(years=municipality.retention_years)


def clients_past_retention(*, today: date) -> QuerySet[Client]:
    """Clients not yet anonymised whose last episode ended longer ago than their retention.

    A record without any episode counts from the day it was opened.
    """
    condition = Q(pk__in=[])
    for municipality in Municipality.objects.all():
        cutoff = retention_cutoff(municipality, today=today)
        condition |= Q(team__municipality=municipality) & (
            Q(last_ended__lt=cutoff) | Q(last_ended__isnull=True, created_at__date__lt=cutoff)
        )
    open_episode = Episode.objects.filter(client=OuterRef("pk"), ended_on__isnull=True)
    return (
        Client.objects.filter(anonymised_at__isnull=True)
        .annotate(last_ended=Max("episodes__ended_on"))
        .filter(~Exists(open_episode))
        .filter(condition)
        .order_by("pk")
    )


def anonymise_past_retention(*, origin: Origin, today: date | None = None) -> list[int]:
    """Erase every client past retention, each in its own transaction; return their ids."""
    today = today or timezone.localdate()
    done = []
    for pk in list(clients_past_retention(today=today).values_list("pk", flat=True)):
        client_erase(
            client=Client(pk=pk), legal_reason=ErasureReason.RETENTION, origin=origin, actor=None
        )
        done.append(pk)
    return done
