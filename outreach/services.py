"""Every write to the core record goes through here: validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.models import (
    Client,
    Consent,
    Contact,
    Intervention,
    SupportPerson,
    Tandem,
    User,
    WithdrawalMode,
)
from outreach.origin import Origin
from outreach.social import services as social_services
from outreach.staff import check_team_staff

CONTACT_FIELDS = (
    "started_at",
    "duration_minutes",
    "mode",
    "location",
    "outcome",
    "failure_reason",
    "informal_support_present",
    "note",
    "travel_minutes",
    "travel_km",
)


@transaction.atomic
def contact_log(
    *,
    client: Client,
    author: User,
    started_at: datetime,
    duration_minutes: int,
    mode: str,
    outcome: str,
    location: str = "",
    failure_reason: str = "",
    informal_support_present: bool = False,
    note: str = "",
    staff: Iterable[User] = (),
    interventions: Iterable[Intervention] = (),
    origin: Origin,
    travel_minutes: int | None = None,
    travel_km: Decimal | None = None,
) -> Contact:
    """Log a contact (or a failed attempt) with a client, with the travel to it if given."""
    staff = check_team_staff(client.team_id, staff)
    contact = Contact(
        client=client,
        author=author,
        started_at=started_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location if mode == Contact.Mode.FACE_TO_FACE else "",
        outcome=outcome,
        failure_reason=failure_reason if outcome == Contact.Outcome.NOT_MET else "",
        informal_support_present=informal_support_present,
        note=note,
        travel_minutes=travel_minutes,
        travel_km=travel_km,
    )
    contact.full_clean()
    contact.save()
    contact.staff.set(staff)
    contact.interventions.set(list(interventions))
    audit.record(
        actor=author, action="contact.create", target=contact, client=client, origin=origin
    )
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor: User,
    origin: Origin,
    staff: Iterable[User] | None = None,
    interventions: Iterable[Intervention] | None = None,
    **fields,
) -> Contact:
    """Change a contact; only its author may, and the change is audited with the fields changed."""
    if not access.can_edit_contact(actor, contact):
        raise ValidationError(_("Only the author of a contact can edit it."), code="not_author")
    before = audit.stored_values(contact)
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"unknown contact field {name}")
        setattr(contact, name, value)
    if contact.mode != Contact.Mode.FACE_TO_FACE:
        contact.location = ""
    if contact.outcome == Contact.Outcome.MET:
        contact.failure_reason = ""
    contact.full_clean()
    contact.save()
    extra = {}
    if staff is not None:
        staff = check_team_staff(contact.client.team_id, staff)
        extra["staff"] = ({u.pk for u in contact.staff.all()}, {u.pk for u in staff})
        contact.staff.set(staff)
    if interventions is not None:
        interventions = list(interventions)
        extra["interventions"] = (
            set(contact.interventions.values_list("pk", flat=True)),
            {i.pk for i in interventions},
        )
        contact.interventions.set(interventions)
    changes = audit.changes_of(contact, before, extra=extra)
    audit.record(
        actor=actor,
        action="contact.update",
        target=contact,
        client=contact.client,
        origin=origin,
        detail={"changed": list(changes), "changes": changes},
    )
    return contact


@transaction.atomic
def client_create(*, actor: User, team, tandem=None, origin: Origin, **fields) -> Client:
    """Open a minimal record for a person the team starts to engage (no episode yet)."""
    if not actor.teams.filter(pk=team.pk).exists():
        raise ValidationError({"team": _("You are not a member of that team.")}, code="not_in_team")
    if tandem is None and access.works_in_tandem(actor):
        tandem = (
            Tandem.objects.filter(team=team, ended_on__isnull=True)
            .filter(Q(professional=actor) | Q(peer=actor))
            .first()
        )
    client = Client(team=team, tandem=tandem, **fields)
    client.full_clean()
    client.save()
    audit.record(actor=actor, action="client.create", target=client, origin=origin)
    # The situation known when the record opens is the first entry of its history.
    known = {f for f in ("housing", "income", "documents") if getattr(client, f) != "unknown"}
    social_services.record_client_field_changes(
        client=client, actor=actor, fields=known, since=timezone.localdate(), origin=origin
    )
    return client


@transaction.atomic
def client_update(*, client: Client, actor: User, origin: Origin, **fields) -> Client:
    """Change a client's identity, contact or situation fields."""
    before = audit.stored_values(client)
    for name, value in fields.items():
        setattr(client, name, value)
    if client.tandem_id and client.tandem.team_id != client.team_id:
        raise ValidationError(
            {"tandem": _("That tandem belongs to another team.")}, code="tandem_other_team"
        )
    client.full_clean()
    client.save()
    changes = audit.changes_of(client, before)
    if "tandem" in changes:
        # The open episode follows the client's tandem.
        for episode in client.episodes.filter(ended_on__isnull=True):
            episode.tandem = client.tandem
            episode.save(update_fields=["tandem", "updated_at"])
    audit.record(
        actor=actor,
        action="client.update",
        target=client,
        origin=origin,
        detail={"changed": list(changes), "changes": changes},
    )
    social_services.record_client_field_changes(
        client=client, actor=actor, fields=set(changes), since=timezone.localdate(), origin=origin
    )
    return client


@transaction.atomic
def support_person_save(
    *, client: Client, actor: User, person: SupportPerson, origin: Origin
) -> SupportPerson:
    """Add or change a person of the client's support network."""
    creating = person.pk is None
    before = audit.stored_values(person)
    person.client = client
    person.full_clean()
    person.save()
    audit.record(
        actor=actor,
        action="supportperson.create" if creating else "supportperson.update",
        target=person,
        client=client,
        origin=origin,
        detail=None if creating else {"changes": audit.changes_of(person, before)},
    )
    return person


@transaction.atomic
def consent_save(*, client: Client, actor: User, consent: Consent, origin: Origin) -> Consent:
    """Record or change a consent to share with a named agency or person."""
    creating = consent.pk is None
    before = audit.stored_values(consent)
    consent.client = client
    if consent.support_person_id and consent.support_person.client_id != client.pk:
        raise ValidationError({"support_person": _("That person is not in this client's network.")})
    if consent.agency_id and consent.agency.client_id != client.pk:
        raise ValidationError({"agency": _("That agency is not one of this client's case.")})
    if consent.support_person_id and consent.support_person.do_not_contact:
        raise ValidationError(
            {
                "support_person": _(
                    "A do-not-contact person cannot receive the client's information."
                )
            },
            code="do_not_contact",
        )
    consent.full_clean()
    consent.save()
    audit.record(
        actor=actor,
        action="consent.create" if creating else "consent.update",
        target=consent,
        client=client,
        origin=origin,
        detail=None if creating else {"changes": audit.changes_of(consent, before)},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, actor: User, withdrawn_on: date, how: str, origin: Origin
) -> Consent:
    """Record that the client withdrew a consent: from which day, how they said it, who noted it."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            {"withdrawn_on": _("This consent was already withdrawn.")}, code="already_withdrawn"
        )
    if withdrawn_on > timezone.localdate():
        raise ValidationError(
            {"withdrawn_on": _("The date cannot be in the future.")}, code="future"
        )
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")},
            code="withdrawn_before_given",
        )
    if how not in WithdrawalMode.values:
        raise ValidationError({"withdrawn_how": _("Say how the client withdrew it.")})
    before = audit.stored_values(consent)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_how = how
    consent.withdrawn_recorded_by = actor
    consent.full_clean()
    consent.save()
    audit.record(
        actor=actor,
        action="consent.withdraw",
        target=consent,
        client=consent.client,
        origin=origin,
        detail={"changes": audit.changes_of(consent, before)},
    )
    return consent
