"""Writes of the client's living situation, carers and costs: validated, atomic, audited."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach import audit
from outreach.models import Carer, CarerNeedsReview, Client, LivingStatus, Spending, User
from outreach.models.living import CLIENT_FIELDS
from outreach.origin import Origin


def _latest_status(client: Client, domain: str) -> LivingStatus | None:
    return (
        LivingStatus.objects.filter(client=client, domain=domain).order_by("-since", "-pk").first()
    )


def _sync_current(client: Client, domain: str) -> dict | None:
    """Set the client's field of `domain` (if it has one) to the latest status; say what changed."""
    field = CLIENT_FIELDS.get(domain)
    latest = _latest_status(client, domain)
    if field is None or latest is None or getattr(client, field) == latest.status:
        return None
    before = getattr(client, field)
    setattr(client, field, latest.status)
    client.save(update_fields=[field])
    return {field: {"from": before, "to": latest.status}}


@transaction.atomic
def living_status_record(
    *,
    client: Client,
    actor: User,
    domain: str,
    status: str,
    since: date,
    origin: Origin,
    note: str = "",
) -> LivingStatus:
    """Record a status of one domain of the living situation, in force from `since`.

    The history keeps every status; the client's own field of the domain (housing, income,
    documents) follows the latest one in the same transaction, so both always agree. A status
    dated before the latest one fills the history in and leaves the current value as it is.
    """
    Client.objects.select_for_update().filter(pk=client.pk).first()
    entry = LivingStatus(
        client=client, domain=domain, status=status, since=since, note=note, recorded_by=actor
    )
    if LivingStatus.objects.filter(client=client, domain=domain, since=since).exists():
        raise ValidationError(
            {
                "since": ValidationError(
                    _("A status of this domain is already recorded for that day."),
                    code="living_status_same_day",
                )
            }
        )
    entry.full_clean()
    entry.save()
    current = _sync_current(client, domain)
    audit.record(
        actor=actor,
        action="livingstatus.create",
        target=entry,
        client=client,
        origin=origin,
        detail={"domain": domain, "status": status, **({"current": current} if current else {})},
    )
    return entry


def record_client_field_changes(
    *, client: Client, actor: User, fields: list[str] | set[str], since: date, origin: Origin
) -> None:
    """Add a status to the history for each situation field (housing, income, documents) the
    client form set or changed, dated `since` (today).

    Called by `outreach.services.client_create`/`client_update` inside their transaction, so
    editing the client's details keeps the history and the current value in step. A status of
    that domain already recorded for the day is corrected rather than doubled.
    """
    for domain, field in CLIENT_FIELDS.items():
        if field not in fields:
            continue
        new = getattr(client, field)
        entry = LivingStatus.objects.filter(client=client, domain=domain, since=since).first()
        if entry is None:
            entry = LivingStatus(client=client, domain=domain, since=since)
        entry.status = new
        entry.recorded_by = actor
        entry.full_clean()
        entry.save()
        audit.record(
            actor=actor,
            action="livingstatus.create",
            target=entry,
            client=client,
            origin=origin,
            detail={"domain": domain, "status": new, "from_client_form": True},
        )


@transaction.atomic
def carer_save(*, client: Client, actor: User, carer: Carer, origin: Origin) -> Carer:
    """Record (or change) a person of the client's support network as a carer."""
    creating = carer.pk is None
    before = audit.stored_values(carer)
    carer.client = client
    if creating:
        carer.recorded_by = actor
    if (
        carer.support_person_id
        and Carer.objects.filter(support_person_id=carer.support_person_id)
        .exclude(pk=carer.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "support_person": ValidationError(
                    _("This person is already recorded as a carer."), code="carer_twice"
                )
            }
        )
    carer.full_clean()
    carer.save()
    audit.record(
        actor=actor,
        action="carer.create" if creating else "carer.update",
        target=carer,
        client=client,
        origin=origin,
        detail=None if creating else {"changes": audit.changes_of(carer, before)},
    )
    return carer


@transaction.atomic
def carer_review_record(
    *,
    carer: Carer,
    actor: User,
    reviewed_on: date,
    needs: str,
    origin: Origin,
    support_offered: str = "",
) -> CarerNeedsReview:
    """Record a review of the carer's own needs; the next one falls due a year later."""
    if carer.support_person.do_not_contact:
        raise ValidationError(
            _("The client asked that this person is not contacted."), code="carer_do_not_contact"
        )
    if reviewed_on and reviewed_on < carer.recorded_on - timedelta(days=366):
        raise ValidationError(
            {
                "reviewed_on": ValidationError(
                    _("A review cannot be more than a year before the carer was recorded."),
                    code="review_before_carer",
                )
            }
        )
    review = CarerNeedsReview(
        carer=carer,
        reviewed_on=reviewed_on,
        needs=needs,
        support_offered=support_offered,
        reviewed_by=actor,
    )
    review.full_clean()
    review.save()
    audit.record(
        actor=actor,
        action="carerneedsreview.create",
        target=review,
        client=carer.client,
        origin=origin,
    )
    return review


@transaction.atomic
def spending_record(*, client: Client, actor: User, spending: Spending, origin: Origin) -> Spending:
    """Record money spent for the client (in OUTREACH_CURRENCY), audited."""
    if spending.pk is not None:
        raise ValueError("spending_record only creates")
    spending.client = client
    spending.recorded_by = actor
    spending.full_clean()
    spending.save()
    audit.record(
        actor=actor,
        action="spending.create",
        target=spending,
        client=client,
        origin=origin,
        detail={"purpose": spending.purpose, "amount": str(spending.amount)},
    )
    return spending
