"""Writes of the case record's events: validated, atomic, audited; nothing half-saved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.dates import check_not_before
from outreach.models import (
    AdverseEvent,
    Agency,
    AgencyRequest,
    CaseAgency,
    CaseConference,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Debrief,
    Discharge,
    Episode,
    ExitSurvey,
    FollowUpAction,
    GroupSession,
    HospitalStay,
    LegalBasis,
    Milestone,
    Relapse,
    Responsibility,
    SupportPerson,
    Team,
    User,
)
from outreach.origin import Origin
from outreach.staff import check_team_staff

BASELINE_DAYS = 365


def intake_date(client: Client) -> date:
    """The day the client's first episode started (today while still in engagement)."""
    first = min((e.started_on for e in client.episodes.all()), default=None)
    return first or timezone.localdate()


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _check_same_client(client: Client, field: str, obj: Model | None, message: str) -> None:
    if obj is not None and obj.client_id != client.pk:
        raise ValidationError({field: message}, code="other_client")


def _check_legal_basis(client: Client, basis: LegalBasis | None) -> None:
    if basis is None:
        return
    if basis.country != client.team.municipality.country or not basis.active:
        raise ValidationError(
            {"legal_basis": _("This legal basis does not apply in the client's country.")},
            code="legal_basis_country",
        )


def _save(
    obj: Model,
    *,
    actor: User,
    client: Client,
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


@transaction.atomic
def hospital_stay_save(
    *, client: Client, actor: User, stay: HospitalStay, origin: Origin
) -> HospitalStay:
    """Record or change a hospital stay; a pre-intake stay lies in the 12 months before intake.

    Stays of one client never overlap (HospitalStay.clean): the client's row is locked so two
    stays saved at once cannot both pass that check.
    """
    Client.objects.select_for_update().filter(pk=client.pk).first()
    stay.client = client
    _check_legal_basis(client, stay.legal_basis)
    if stay.pre_intake and stay.admitted_on:
        intake = intake_date(client)
        if stay.admitted_on >= intake:
            raise ValidationError(
                {
                    "admitted_on": _("A stay before intake must start before %(day)s.")
                    % {"day": intake.isoformat()}
                },
                code="pre_intake_after_intake",
            )
        if stay.admitted_on < intake - timedelta(days=BASELINE_DAYS):
            raise ValidationError(
                {
                    "admitted_on": _(
                        "The baseline covers the 12 months before intake (from %(day)s)."
                    )
                    % {"day": (intake - timedelta(days=BASELINE_DAYS)).isoformat()}
                },
                code="pre_intake_too_early",
            )
    _save(stay, actor=actor, client=client, entity="hospitalstay", origin=origin)
    return stay


@transaction.atomic
def coercive_measure_record(
    *, client: Client, actor: User, measure: CoerciveMeasure, origin: Origin
) -> CoerciveMeasure:
    """Record a coercive measure and open its debrief, due within 14 days."""
    if measure.pk is not None:
        raise ValueError("coercive_measure_record only creates")
    measure.client = client
    _check_legal_basis(client, measure.legal_basis)
    stay = measure.hospital_stay
    _check_same_client(client, "hospital_stay", stay, _("That stay is not this client's."))
    if stay is not None and measure.started_at:
        day = _local_date(measure.started_at)
        if day < stay.admitted_on or (stay.discharged_on and day > stay.discharged_on):
            raise ValidationError(
                {"hospital_stay": _("The measure's date is outside that hospital stay.")},
                code="measure_outside_stay",
            )
    _save(measure, actor=actor, client=client, entity="coercivemeasure", origin=origin)
    debrief = Debrief(measure=measure, due_on=measure.debrief_due_on)
    if measure.debriefed_on:
        debrief.done_on = measure.debriefed_on
        debrief.done_by = actor
    _save(debrief, actor=actor, client=client, entity="debrief", origin=origin)
    return measure


@transaction.atomic
def debrief_complete(
    *,
    measure: CoerciveMeasure,
    actor: User,
    done_on: date,
    done_by: User,
    what_should_change: str,
    client_view: str = "",
    origin: Origin,
) -> Debrief:
    """Record the debrief conversation; the measure's debriefed_on follows it.

    An imported measure may have no debrief row yet: it is created here with its due date.
    """
    measure = (
        CoerciveMeasure.objects.select_for_update().select_related("client").get(pk=measure.pk)
    )
    client = measure.client
    check_team_staff(client.team_id, [done_by], field="done_by")
    debrief = Debrief.objects.filter(measure=measure).first() or Debrief(
        measure=measure, due_on=measure.debrief_due_on
    )
    debrief.done_on = done_on
    debrief.done_by = done_by
    debrief.what_should_change = what_should_change
    debrief.client_view = client_view
    measure.debriefed_on = done_on
    measure.full_clean()
    _save(debrief, actor=actor, client=client, entity="debrief", origin=origin)
    measure.save(update_fields=["debriefed_on", "updated_at"])
    return debrief


@transaction.atomic
def crisis_save(
    *,
    client: Client,
    actor: User,
    crisis: Crisis,
    mobilised_staff: Iterable[User] = (),
    origin: Origin,
) -> Crisis:
    """Record or change a crisis: who reported it, the response, who was mobilised, the outcome."""
    crisis.client = client
    staff = check_team_staff(client.team_id, mobilised_staff, field="mobilised_staff")
    _save(crisis, actor=actor, client=client, entity="crisis", origin=origin)
    crisis.mobilised_staff.set(staff)
    return crisis


@transaction.atomic
def relapse_save(*, client: Client, actor: User, relapse: Relapse, origin: Origin) -> Relapse:
    """Record a relapse and, where known, the crisis or stay it led to."""
    relapse.client = client
    _check_same_client(client, "crisis", relapse.crisis, _("That crisis is not this client's."))
    _check_same_client(
        client, "hospital_stay", relapse.hospital_stay, _("That stay is not this client's.")
    )
    if (
        relapse.onset_on
        and relapse.crisis
        and relapse.onset_on > _local_date(relapse.crisis.reported_at)
    ):
        raise ValidationError(
            {"crisis": _("A relapse cannot lead to a crisis reported before its onset.")},
            code="crisis_before_onset",
        )
    if (
        relapse.onset_on
        and relapse.hospital_stay
        and relapse.onset_on > relapse.hospital_stay.admitted_on
    ):
        raise ValidationError(
            {"hospital_stay": _("A relapse cannot lead to an admission before its onset.")},
            code="stay_before_onset",
        )
    _save(relapse, actor=actor, client=client, entity="relapse", origin=origin)
    return relapse


@transaction.atomic
def adverse_event_save(
    *, client: Client, actor: User, event: AdverseEvent, origin: Origin
) -> AdverseEvent:
    """Record self-harm, a suicide attempt, a death, police involvement, an arrest or an eviction."""
    event.client = client
    _check_same_client(client, "crisis", event.crisis, _("That crisis is not this client's."))
    _save(event, actor=actor, client=client, entity="adverseevent", origin=origin)
    return event


@transaction.atomic
def milestone_save(
    *, client: Client, actor: User, milestone: Milestone, origin: Origin
) -> Milestone:
    """Record a milestone: a document, benefits, housing, work, family."""
    milestone.client = client
    _save(milestone, actor=actor, client=client, entity="milestone", origin=origin)
    return milestone


@transaction.atomic
def case_agency_save(
    *, client: Client, actor: User, agency: CaseAgency, origin: Origin
) -> CaseAgency:
    """Add or change an agency involved in the case."""
    agency.client = client
    if (
        CaseAgency.objects.filter(client=client, name__iexact=agency.name)
        .exclude(pk=agency.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": _("This agency is already involved in the case.")}, code="duplicate_agency"
        )
    _save(agency, actor=actor, client=client, entity="caseagency", origin=origin)
    return agency


@transaction.atomic
def responsibility_save(
    *, client: Client, actor: User, responsibility: Responsibility, origin: Origin
) -> Responsibility:
    """Say who is responsible for what in the case (one cell of the matrix)."""
    responsibility.client = client
    _save(responsibility, actor=actor, client=client, entity="responsibility", origin=origin)
    return responsibility


@transaction.atomic
def agency_request_save(
    *, client: Client, actor: User, agency_request: AgencyRequest, origin: Origin
) -> AgencyRequest:
    """Record a request to an agency (and its response, when known)."""
    agency_request.client = client
    case_agency = agency_request.case_agency
    _check_same_client(
        client, "case_agency", case_agency, _("That agency is not involved in this case.")
    )
    listed = agency_request.listed_agency
    municipality_id = client.team.municipality_id
    if listed is not None and listed.municipality_id != municipality_id:
        raise ValidationError(
            {"listed_agency": _("That agency is not in the directory of this municipality.")},
            code="agency_other_municipality",
        )
    if listed is not None and not listed.active:
        kept = (
            AgencyRequest.objects.filter(pk=agency_request.pk, listed_agency=listed).exists()
            if agency_request.pk
            else False
        )
        if not kept:
            raise ValidationError(
                {"listed_agency": _("That agency is no longer offered for new requests.")},
                code="agency_not_offered",
            )
    if listed is not None:
        agency_request.agency = listed.name
    elif case_agency is not None:
        agency_request.agency = case_agency.name
    if not agency_request.agency:
        raise ValidationError(
            {"agency": _("Name the agency or choose one of the case.")}, code="agency_required"
        )
    if listed is None:
        # A name that is in the directory is that agency, not a one-off: it takes its kind.
        agency_request.listed_agency = Agency.objects.filter(
            municipality_id=municipality_id, name=agency_request.agency, active=True
        ).first()
    _save(agency_request, actor=actor, client=client, entity="agencyrequest", origin=origin)
    return agency_request


@transaction.atomic
def agency_request_respond(
    *, agency_request: AgencyRequest, actor: User, responded_on: date, outcome: str, origin: Origin
) -> AgencyRequest:
    """Record the agency's response to a request."""
    agency_request = AgencyRequest.objects.select_for_update().get(pk=agency_request.pk)
    agency_request.responded_on = responded_on
    agency_request.outcome = outcome
    _save(
        agency_request,
        actor=actor,
        client=agency_request.client,
        entity="agencyrequest",
        origin=origin,
        detail={"responded": True},
    )
    return agency_request


@transaction.atomic
def case_conference_record(
    *,
    client: Client,
    actor: User,
    conference: CaseConference,
    staff: Iterable[User] = (),
    support_people: Iterable[SupportPerson] = (),
    agencies: Iterable[CaseAgency] = (),
    actions: Iterable[dict[str, Any]] = (),
    origin: Origin,
) -> CaseConference:
    """Record a case conference: participants (never a do-not-contact person), decisions, actions."""
    conference.client = client
    conference.author = actor
    staff = check_team_staff(client.team_id, staff)
    support_people = list(support_people)
    for person in support_people:
        if person.client_id != client.pk:
            raise ValidationError(
                {"support_people": _("That person is not in this client's network.")},
                code="other_client",
            )
        if person.do_not_contact:
            raise ValidationError(
                {
                    "support_people": _("%(name)s is marked do-not-contact and cannot take part.")
                    % {"name": person.name}
                },
                code="do_not_contact",
            )
    agencies = list(agencies)
    for agency in agencies:
        _check_same_client(client, "agencies", agency, _("That agency is not in this case."))
    _save(conference, actor=actor, client=client, entity="caseconference", origin=origin)
    conference.staff.set(staff)
    conference.support_people.set(support_people)
    conference.agencies.set(agencies)
    for data in actions:
        action = FollowUpAction(conference=conference, **data)
        if action.due_on and conference.held_on and action.due_on < conference.held_on:
            raise ValidationError(
                _("A follow-up action cannot be due before the conference."),
                code="action_due_before_conference",
            )
        action.full_clean()
        action.save()
    return conference


def _check_followup_dates(conference: CaseConference, **dates: date | None) -> None:
    check_not_before(
        conference.held_on,
        _("This date is before the case conference."),
        "before_conference",
        **dates,
    )


@transaction.atomic
def followup_update(
    *,
    followup: FollowUpAction,
    actor: User,
    action: str,
    owner: str,
    due_on: date | None,
    done_on: date | None,
    origin: Origin,
) -> FollowUpAction:
    """Change a case conference's follow-up action: what, who, by when, or the day it was done."""
    followup = (
        FollowUpAction.objects.select_for_update(of=("self",))
        .select_related("conference__client")
        .get(pk=followup.pk)
    )
    if not access.can_write_record(actor, followup.conference.client):
        raise PermissionDenied
    _check_followup_dates(followup.conference, due_on=due_on, done_on=done_on)
    before = {f: getattr(followup, f) for f in ("action", "owner", "due_on", "done_on")}
    followup.action, followup.owner, followup.due_on = action, owner, due_on
    if done_on != followup.done_on:
        followup.done_on = done_on
        followup.done_by = actor if done_on else None
    changed = [f for f in before if before[f] != getattr(followup, f)]
    if changed:
        _save(
            followup,
            actor=actor,
            client=followup.conference.client,
            entity="followupaction",
            origin=origin,
            detail={"changed": changed},
        )
    return followup


@transaction.atomic
def followup_mark_done(
    *, followup: FollowUpAction, actor: User, done_on: date, origin: Origin
) -> FollowUpAction:
    """Mark a follow-up action done on a day, by the actor."""
    followup = (
        FollowUpAction.objects.select_for_update(of=("self",))
        .select_related("conference__client")
        .get(pk=followup.pk)
    )
    if not access.can_write_record(actor, followup.conference.client):
        raise PermissionDenied
    if followup.done_on is not None:
        raise ValidationError(_("This action is already marked done."), code="already_done")
    _check_followup_dates(followup.conference, done_on=done_on)
    followup.done_on = done_on
    followup.done_by = actor
    followup.full_clean()
    followup.save(update_fields=["done_on", "done_by", "updated_at"])
    audit.record(
        actor=actor,
        action="followupaction.done",
        target=followup,
        client=followup.conference.client,
        origin=origin,
        detail={"done_on": done_on.isoformat()},
    )
    return followup


@transaction.atomic
def group_session_record(
    *,
    team: Team,
    actor: User,
    title: str,
    started_at: datetime,
    duration_minutes: int,
    location: str,
    attendees: Iterable[Client],
    staff: Iterable[User] = (),
    note: str = "",
    origin: Origin,
) -> GroupSession:
    """Record one group session and a seen contact for each attending client."""
    attendees = list(attendees)
    if not attendees:
        raise ValidationError(
            {"attendees": _("Choose at least one client who attended.")}, code="no_attendees"
        )
    if any(c.team_id != team.pk for c in attendees):
        raise ValidationError(
            {"attendees": _("Every attendee must be a client of the team.")}, code="other_team"
        )
    staff = check_team_staff(team.pk, staff)
    session = GroupSession(
        team=team,
        title=title,
        started_at=started_at,
        duration_minutes=duration_minutes,
        location=location,
        note=note,
    )
    session.full_clean()
    session.save()
    audit.record(
        actor=actor,
        action="groupsession.create",
        target=session,
        origin=origin,
        detail={"attendees": len(attendees)},
    )
    for client in attendees:
        contact = Contact(
            client=client,
            author=actor,
            started_at=started_at,
            duration_minutes=duration_minutes,
            mode=Contact.Mode.FACE_TO_FACE,
            location=location,
            outcome=Contact.Outcome.MET,
            group_session=session,
            note="",
        )
        contact.full_clean()
        contact.save()
        contact.staff.set(staff)
        audit.record(
            actor=actor, action="contact.create", target=contact, client=client, origin=origin
        )
    return session


@transaction.atomic
def episode_discharge(
    *,
    episode: Episode,
    actor: User,
    ended_on: date,
    discharge_reason: str,
    handover_to: str = "",
    handover_plan: str = "",
    survey: dict[str, str] | None = None,
    origin: Origin,
) -> Episode:
    """Close an episode with its reason and handover; store the exit survey apart, unlinkable."""
    episode = Episode.objects.select_for_update().select_related("client__team").get(pk=episode.pk)
    if episode.ended_on is not None:
        raise ValidationError(_("This episode is already closed."), code="already_closed")
    episode.ended_on = ended_on
    episode.discharge_reason = discharge_reason
    episode.full_clean()
    episode.save(update_fields=["ended_on", "discharge_reason", "updated_at"])
    discharge = Discharge(
        episode=episode, handover_to=handover_to, handover_plan=handover_plan, recorded_by=actor
    )
    discharge.full_clean()
    discharge.save()
    audit.record(
        actor=actor,
        action="episode.discharge",
        target=episode,
        client=episode.client,
        origin=origin,
        detail={"reason": discharge_reason},
    )
    if survey and any(survey.values()):
        exit_survey_store(
            municipality_id=episode.client.team.municipality_id, day=ended_on, answers=survey
        )
    return episode


def exit_survey_store(*, municipality_id: int, day: date, answers: dict[str, str]) -> ExitSurvey:
    """Store exit-survey answers with only the municipality and the month: no way back to a client.

    Deliberately not audited with its id: an audit row ties an actor, a time and a client to
    whatever it names.
    """
    fields = {
        "coercion_experienced",
        "felt_respected",
        "advance_statement_upheld",
        "peer_support_offered",
        "community_inclusion",
    }
    unknown = set(answers) - fields
    if unknown:
        raise TypeError(f"unknown exit survey answers {sorted(unknown)}")
    survey = ExitSurvey(municipality_id=municipality_id, month=day.replace(day=1), **answers)
    survey.full_clean()
    survey.save(force_insert=True)
    return survey
