"""Writes of risk, supported decisions, guardianship, complaints and staff training.

Validated, atomic, audited in the same transaction; nothing half-saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.models import (
    Client,
    Complaint,
    Episode,
    GuardianshipStatus,
    RiskAssessment,
    RiskDomain,
    RiskDomainKind,
    SupervisionSession,
    SupportedDecision,
    SupportPerson,
    Team,
    Training,
    User,
)
from outreach.origin import Origin
from outreach.staff import check_team_staff

DOMAIN_FIELDS = ("known", "client_view", "what_helps", "plan")


def _check_writer(actor: User, client: Client) -> None:
    if not access.can_write_record(actor, client):
        raise PermissionDenied


def _check_same_client(client: Client, field: str, obj: Model | None, message: str) -> None:
    if obj is not None and obj.client_id != client.pk:
        raise ValidationError({field: message}, code="other_client")


def _save(
    obj: Model,
    *,
    actor: User,
    client: Client | None,
    entity: str,
    origin: Origin,
    detail: dict[str, Any] | None = None,
) -> None:
    creating = obj.pk is None
    before = audit.stored_values(obj)
    obj.full_clean()
    obj.save()
    if not creating:
        detail = {**(detail or {}), "changes": audit.changes_of(obj, before)}
    audit.record(
        actor=actor,
        action=f"{entity}.{'create' if creating else 'update'}",
        target=obj,
        client=client,
        origin=origin,
        detail=detail,
    )


# --- Risk --------------------------------------------------------------------------------


@transaction.atomic
def risk_assessment_record(
    *,
    client: Client,
    actor: User,
    assessment: RiskAssessment,
    domains: Mapping[str, Mapping[str, str]],
    origin: Origin,
) -> RiskAssessment:
    """Write a new version of the client's risk assessment; earlier versions stay as they were.

    `domains` maps each domain (RiskDomainKind) to its texts (what is known, the client's view,
    what helps, the plan). Versions are numbered under a lock of the client's row, so two
    reviews saved at once get two numbers.
    """
    if assessment.pk is not None:
        raise ValueError("risk_assessment_record only creates: a change is a new version")
    _check_writer(actor, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    unknown = set(domains) - set(RiskDomainKind.values)
    if unknown:
        raise ValidationError(
            _("Unknown risk domain: %(names)s") % {"names": ", ".join(sorted(unknown))},
            code="unknown_domain",
        )
    if not any(
        any((texts.get(f) or "").strip() for f in DOMAIN_FIELDS) for texts in domains.values()
    ):
        raise ValidationError(
            _(
                "Write at least one domain: what is known, the client's view, what helps or the plan."
            ),
            code="no_domain",
        )
    assessment.client = client
    assessment.author = actor
    _check_same_client(client, "crisis", assessment.crisis, _("That crisis is not this client's."))
    _check_same_client(
        client, "hospital_stay", assessment.hospital_stay, _("That stay is not this client's.")
    )
    assessment.episode = (
        Episode.objects.filter(client=client, ended_on__isnull=True).order_by("-started_on").first()
    )
    last = RiskAssessment.objects.filter(client=client).aggregate(v=Max("version"))["v"] or 0
    assessment.version = last + 1
    _save(
        assessment,
        actor=actor,
        client=client,
        entity="riskassessment",
        origin=origin,
        detail={"version": assessment.version, "reason": assessment.reason},
    )
    for kind in RiskDomainKind.values:
        texts = domains.get(kind) or {}
        row = RiskDomain(
            assessment=assessment,
            domain=kind,
            **{f: (texts.get(f) or "").strip() for f in DOMAIN_FIELDS},
        )
        row.full_clean()
        row.save()
    return assessment


# --- Supported decisions and guardianship ----------------------------------------------------


def _check_supporter(client: Client, person: SupportPerson | None, field: str) -> None:
    if person is None:
        return
    if person.client_id != client.pk:
        raise ValidationError(
            {field: _("That person is not in this client's network.")}, code="other_client"
        )


@transaction.atomic
def supported_decision_save(
    *, client: Client, actor: User, decision: SupportedDecision, origin: Origin
) -> SupportedDecision:
    """Log a decision the client made with support, or say later whether it was followed."""
    _check_writer(actor, client)
    if decision.pk is not None and decision.client_id != client.pk:
        raise ValidationError(_("That decision is not this client's."), code="other_client")
    decision.client = client
    if decision.pk is None:
        decision.author = actor
    _check_supporter(client, decision.support_person, "support_person")
    if decision.support_person is not None and decision.support_person.do_not_contact:
        raise ValidationError(
            {
                "support_person": _("%(name)s is marked do-not-contact.")
                % {"name": decision.support_person.name}
            },
            code="do_not_contact",
        )
    if decision.staff_supporter is not None:
        check_team_staff(client.team_id, [decision.staff_supporter], field="staff_supporter")
    _save(decision, actor=actor, client=client, entity="supporteddecision", origin=origin)
    return decision


@transaction.atomic
def guardianship_record(
    *, client: Client, actor: User, status: GuardianshipStatus, origin: Origin
) -> GuardianshipStatus:
    """Record the client's guardianship status from a day on; earlier statuses stay (history)."""
    if status.pk is not None:
        raise ValueError("guardianship_record only creates: a change is a new status")
    _check_writer(actor, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    status.client = client
    status.author = actor
    _check_supporter(client, status.guardian, "guardian")
    if status.status == GuardianshipStatus.Status.NONE:
        status.guardian = None
    _save(
        status,
        actor=actor,
        client=client,
        entity="guardianshipstatus",
        origin=origin,
        detail={"status": status.status, "since": status.since.isoformat()},
    )
    return status


# --- Complaints ------------------------------------------------------------------------------


@transaction.atomic
def complaint_save(
    *, client: Client, actor: User, complaint: Complaint, origin: Origin
) -> Complaint:
    """Record a client's complaint, its response, and (the team's supervisor) its outcome."""
    _check_writer(actor, client)
    if complaint.pk is not None and complaint.client_id != client.pk:
        raise ValidationError(_("That complaint is not this client's."), code="other_client")
    before = audit.stored_values(complaint)
    closing = (complaint.outcome, complaint.closed_on) != (
        before.get("outcome", ""),
        before.get("closed_on"),
    )
    if closing and not access.can_close_complaint(actor, client):
        raise ValidationError(
            {
                "outcome": _(
                    "Only the team's supervisor records the outcome and closes a complaint."
                )
            },
            code="not_supervisor",
        )
    complaint.client = client
    if complaint.pk is None:
        complaint.author = actor
    _save(
        complaint,
        actor=actor,
        client=client,
        entity="complaint",
        origin=origin,
        detail={"open": complaint.closed_on is None},
    )
    return complaint


# --- Staff training and supervision ------------------------------------------------------------


def _team_save(obj: Model, *, team: Team, actor: User, entity: str, people, origin: Origin):
    if not access.can_record_team_training(actor, team):
        raise PermissionDenied
    people = check_team_staff(team.pk, people, field="attendees")
    if not people:
        raise ValidationError({"attendees": _("Choose who took part.")}, code="no_attendees")
    obj.team = team
    if obj.pk is None:
        obj.author = actor
    before = set(obj.attendees.values_list("pk", flat=True)) if obj.pk else set()
    stored = audit.stored_values(obj)
    creating = obj.pk is None
    obj.full_clean()
    obj.save()
    obj.attendees.set(people)
    after = {p.pk for p in people}
    detail = {"attendees": len(after)}
    if not creating:
        detail["changes"] = audit.changes_of(obj, stored, extra={"attendees": (before, after)})
    audit.record(
        actor=actor,
        action=f"{entity}.{'create' if creating else 'update'}",
        target=obj,
        origin=origin,
        detail=detail,
    )
    return obj


@transaction.atomic
def training_save(
    *, team: Team, actor: User, training: Training, attendees: Iterable[User], origin: Origin
) -> Training:
    """Record (or correct) a training of the team's staff and who attended it."""
    return _team_save(
        training, team=team, actor=actor, entity="training", people=attendees, origin=origin
    )


@transaction.atomic
def supervision_session_save(
    *,
    team: Team,
    actor: User,
    session: SupervisionSession,
    attendees: Iterable[User],
    origin: Origin,
) -> SupervisionSession:
    """Record a supervision session of the team's staff and who took part."""
    return _team_save(
        session,
        team=team,
        actor=actor,
        entity="supervisionsession",
        people=attendees,
        origin=origin,
    )
