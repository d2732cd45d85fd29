"""Every write to a care plan: locked, version-checked, validated, history-tracked and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from careplans import access as plan_access
from careplans import pdf as careplan_pdf
from careplans.models import (
    Action,
    AdvanceStatement,
    CarePlan,
    ClientResponse,
    CrisisSheetShare,
    Goal,
    PlanAgreement,
    PlanComment,
    PlanReview,
    PlanSignoff,
)
from careplans.schedule import next_review
from outreach import audit
from outreach.dates import check_not_before
from outreach.models import Client, Consent, ConsentScope, Episode, SupportPerson, User
from outreach.origin import Origin

PLAN_FIELDS = (
    "what_matters",
    "strengths",
    "diagnosis",
    "domains",
    "contributors",
    "contributors_detail",
)
ADVANCE_FIELDS = (
    "early_signs",
    "what_helps",
    "what_does_not_help",
    "will_and_preferences",
    "comes_into_effect",
    "designated_supporters",
    "treatment_preferences",
    "preferred_hospitals",
    "refused_hospitals",
    "home_and_affairs",
    "other_contacts",
    "not_to_contact_note",
    "legally_binding",
)


class CarePlanConflict(Exception):
    """Someone saved the plan since this user loaded it: nothing was saved."""

    def __init__(self, *, current: CarePlan) -> None:
        super().__init__(f"care plan {current.pk} is at version {current.version}")
        self.current = current


def _require_editor(user: User, careplan: CarePlan) -> None:
    if not plan_access.can_edit_plan(user, careplan):
        raise PermissionDenied(
            _("Only the client's tandem and the team's supervisor edit the plan.")
        )


def build_snapshot(plan: CarePlan) -> dict[str, Any]:
    """Goals, actions and the advance statement as plain data, stored with each version."""
    goals = []
    for goal in plan.goals.prefetch_related("actions__staff", "actions__support_person"):
        goals.append(
            {
                "id": goal.pk,
                "domain": goal.domain,
                "text": goal.in_their_words,
                "status": goal.status,
                "actions": [
                    {
                        "what": a.what,
                        "who": a.who_label(),
                        "due_on": a.due_on.isoformat() if a.due_on else "",
                        "done_on": a.done_on.isoformat() if a.done_on else "",
                    }
                    for a in goal.actions.all()
                ],
            }
        )
    advance: dict[str, Any] = {}
    statement = AdvanceStatement.objects.filter(careplan=plan).first()
    if statement is not None:
        advance = {f: getattr(statement, f) for f in ADVANCE_FIELDS}
        advance["crisis_contacts"] = sorted(p.name for p in statement.crisis_contacts.all())
    return {"goals": goals, "advance": advance}


def _lock(careplan: CarePlan, expected_version: int) -> CarePlan:
    locked = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("episode__client__team", "episode__client__tandem")
        .get(pk=careplan.pk)
    )
    if locked.version != expected_version:
        raise CarePlanConflict(current=locked)
    return locked


def _save_version(plan: CarePlan, *, author: User, reason: str) -> CarePlan:
    plan.version += 1
    plan.updated_by = author
    plan.snapshot = build_snapshot(plan)
    plan.full_clean()
    plan._change_reason = reason
    plan._history_user = author
    plan.save()
    return plan


@transaction.atomic
def careplan_create(*, episode: Episode, author: User, origin: Origin, **fields: Any) -> CarePlan:
    """Start the care plan of an episode (version 1)."""
    if not plan_access.can_start_plan(author, episode.client):
        raise PermissionDenied(
            _("Only the client's tandem and the team's supervisor edit the plan.")
        )
    if CarePlan.objects.filter(episode=episode).exists():
        raise ValidationError(_("This episode already has a care plan."), code="plan_exists")
    if not episode.is_open:
        raise ValidationError(_("The episode has ended."), code="episode_closed")
    plan = CarePlan(
        episode=episode, updated_by=author, **{k: fields[k] for k in fields if k in PLAN_FIELDS}
    )
    plan.full_clean()
    plan._change_reason = gettext_noop("Plan started")
    plan._history_user = author
    plan.save()
    audit.record(
        actor=author, action="careplan.create", target=plan, client=episode.client, origin=origin
    )
    return plan


@transaction.atomic
def careplan_update(
    *, careplan: CarePlan, author: User, expected_version: int, origin: Origin, **fields: Any
) -> CarePlan:
    """Save a new version of the plan's own text (what matters, strengths, domains...)."""
    _require_editor(author, careplan)
    plan = _lock(careplan, expected_version)
    before = audit.stored_values(plan)
    changed = [f for f in PLAN_FIELDS if f in fields and getattr(plan, f) != fields[f]]
    for f in changed:
        setattr(plan, f, fields[f])
    _save_version(plan, author=author, reason=gettext_noop("Plan edited"))
    audit.record(
        actor=author,
        action="careplan.update",
        target=plan,
        client=plan.client,
        origin=origin,
        detail={
            "version": plan.version,
            "fields": changed,
            "changes": audit.changes_of(plan, before),
        },
    )
    return plan


def _check_crisis_contacts(
    plan: CarePlan, contacts: Iterable[SupportPerson]
) -> list[SupportPerson]:
    contacts = list(contacts)
    for person in contacts:
        if person.client_id != plan.episode.client_id:
            raise ValidationError(
                {"crisis_contacts": _("This person is not in the client's network.")},
                code="not_in_network",
            )
        if person.do_not_contact:
            raise ValidationError(
                {
                    "crisis_contacts": _(
                        "%(name)s must not be contacted and cannot be a crisis contact."
                    )
                    % {"name": person.name}
                },
                code="do_not_contact",
            )
    return contacts


@transaction.atomic
def advance_statement_save(
    *,
    careplan: CarePlan,
    author: User,
    expected_version: int,
    crisis_contacts: Iterable[SupportPerson] = (),
    origin: Origin,
    **fields: Any,
) -> AdvanceStatement:
    """Write the advance statement / crisis plan; saves a new plan version."""
    _require_editor(author, careplan)
    plan = _lock(careplan, expected_version)
    contacts = _check_crisis_contacts(plan, crisis_contacts)
    statement = AdvanceStatement.objects.filter(careplan=plan).first() or AdvanceStatement(
        careplan=plan
    )
    before = audit.stored_values(statement)
    before_contacts = (
        set(statement.crisis_contacts.values_list("pk", flat=True)) if statement.pk else set()
    )
    for f in ADVANCE_FIELDS:
        if f in fields:
            setattr(statement, f, fields[f])
    statement.full_clean()
    statement._history_user = author
    statement.save()
    statement.crisis_contacts.set(contacts)
    _save_version(plan, author=author, reason=gettext_noop("Advance statement edited"))
    audit.record(
        actor=author,
        action="advancestatement.update",
        target=statement,
        client=plan.client,
        origin=origin,
        detail={
            "version": plan.version,
            "changes": audit.changes_of(
                statement,
                before,
                extra={"crisis_contacts": (before_contacts, {p.pk for p in contacts})},
            ),
        },
    )
    return statement


@transaction.atomic
def goal_save(
    *,
    careplan: CarePlan,
    author: User,
    expected_version: int,
    goal: Goal | None = None,
    domain: str,
    in_their_words: str,
    status: str = Goal.Status.OPEN,
    origin: Origin,
) -> Goal:
    """Add a goal or change one; saves a new plan version."""
    _require_editor(author, careplan)
    plan = _lock(careplan, expected_version)
    if goal is None:
        goal = Goal(careplan=plan)
    elif goal.careplan_id != plan.pk:
        raise ValidationError(_("This goal belongs to another plan."), code="wrong_plan")
    before = audit.stored_values(goal)
    goal.domain, goal.in_their_words, goal.status = domain, in_their_words, status
    goal.full_clean()
    created = goal.pk is None
    goal._history_user = author
    goal.save()
    _save_version(
        plan,
        author=author,
        reason=gettext_noop("Goal added") if created else gettext_noop("Goal changed"),
    )
    audit.record(
        actor=author,
        action="goal.create" if created else "goal.update",
        target=goal,
        client=plan.client,
        origin=origin,
        detail={"version": plan.version}
        if created
        else {"version": plan.version, "changes": audit.changes_of(goal, before)},
    )
    return goal


@transaction.atomic
def action_add(
    *,
    goal: Goal,
    author: User,
    expected_version: int,
    what: str,
    who: str,
    staff: User | None = None,
    support_person: SupportPerson | None = None,
    agency: str = "",
    due_on: date | None = None,
    done_on: date | None = None,
    origin: Origin,
) -> Action:
    """Add who does what by when to a goal; saves a new plan version."""
    _require_editor(author, goal.careplan)
    plan = _lock(goal.careplan, expected_version)
    client = plan.client
    _check_action_people(client, staff, support_person)
    action = Action(
        goal=goal,
        what=what,
        who=who,
        staff=staff if who == Action.Who.TANDEM else None,
        support_person=support_person if who == Action.Who.SUPPORTER else None,
        agency=agency if who == Action.Who.AGENCY else "",
        due_on=due_on,
        done_on=done_on,
    )
    action.full_clean()
    action._history_user = author
    action.save()
    _save_version(plan, author=author, reason=gettext_noop("Action added"))
    audit.record(
        actor=author,
        action="action.create",
        target=action,
        client=client,
        origin=origin,
        detail={"version": plan.version},
    )
    return action


def _check_action_people(
    client: Client, staff: User | None, support_person: SupportPerson | None
) -> None:
    if staff is not None and (client.tandem is None or staff.pk not in client.tandem.member_ids()):
        raise ValidationError(
            {"staff": _("Choose a member of the client's tandem.")}, code="staff_not_in_tandem"
        )
    if support_person is not None and support_person.client_id != client.pk:
        raise ValidationError(
            {"support_person": _("This person is not in the client's network.")},
            code="not_in_network",
        )


def _not_before_episode(plan: CarePlan, **dates: date | None) -> None:
    check_not_before(
        plan.episode.started_on,
        _("This date is before the episode started."),
        "before_episode",
        **dates,
    )


@transaction.atomic
def action_update(
    *,
    action: Action,
    author: User,
    expected_version: int,
    what: str,
    who: str,
    staff: User | None = None,
    support_person: SupportPerson | None = None,
    agency: str = "",
    due_on: date | None = None,
    done_on: date | None = None,
    origin: Origin,
) -> Action:
    """Change who does what by when. A change of content saves a new plan version (to sign
    again); a change of the done date alone is progress and keeps the version."""
    plan = action.goal.careplan
    _require_editor(author, plan)
    plan = _lock(plan, expected_version)
    client = plan.client
    _check_action_people(client, staff, support_person)
    _not_before_episode(plan, due_on=due_on, done_on=done_on)
    action = Action.objects.select_for_update().get(pk=action.pk, goal__careplan=plan)
    before = audit.stored_values(action)
    action.what = what
    action.who = who
    action.staff = staff if who == Action.Who.TANDEM else None
    action.support_person = support_person if who == Action.Who.SUPPORTER else None
    action.agency = agency if who == Action.Who.AGENCY else ""
    action.due_on = due_on
    if done_on != action.done_on:
        action.done_on = done_on
        action.done_by = author if done_on else None
    changes = audit.changes_of(action, before)
    if not changes:
        return action
    action.full_clean()
    action._history_user = author
    action.save()
    if set(changes) - {"done_on", "done_by"}:
        _save_version(plan, author=author, reason=gettext_noop("Action changed"))
    audit.record(
        actor=author,
        action="action.update",
        target=action,
        client=client,
        origin=origin,
        detail={"version": plan.version, "changes": changes},
    )
    return action


@transaction.atomic
def action_mark_done(*, action: Action, author: User, done_on: date, origin: Origin) -> Action:
    """Mark an action done on a day, by the author: progress, not a new version of the plan."""
    plan = action.goal.careplan
    _require_editor(author, plan)
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("goal__careplan__episode__client")
        .get(pk=action.pk)
    )
    if action.done_on is not None:
        raise ValidationError(_("This action is already marked done."), code="already_done")
    _not_before_episode(action.goal.careplan, done_on=done_on)
    action.done_on = done_on
    action.done_by = author
    action.full_clean()
    action._history_user = author
    action.save(update_fields=["done_on", "done_by", "updated_at"])
    audit.record(
        actor=author,
        action="action.done",
        target=action,
        client=action.goal.careplan.client,
        origin=origin,
        detail={"done_on": done_on.isoformat()},
    )
    return action


def version_state(
    plan: CarePlan, signoffs: Iterable[PlanSignoff], responses: Iterable[ClientResponse]
) -> dict[str, Any]:
    """Who signed the current version and what the client answered."""
    tandem = plan.client.tandem
    needed = tandem.member_ids() if tandem else set()
    signed = {s.user_id for s in signoffs if s.plan_version == plan.version}
    response = next((r for r in responses if r.plan_version == plan.version), None)
    return {
        "needed": needed,
        "signed": signed,
        "missing": needed - signed,
        "response": response,
        "agreed": bool(needed)
        and needed <= signed
        and response is not None
        and response.answer == ClientResponse.Answer.AGREE,
        "disagreed": response is not None and response.answer == ClientResponse.Answer.DISAGREE,
    }


def _record_agreement_if_complete(
    plan: CarePlan, *, author: User, origin: Origin
) -> PlanAgreement | None:
    state = version_state(plan, plan.signoffs.all(), plan.responses.all())
    if not state["agreed"]:
        return None
    if plan.agreements.filter(plan_version=plan.version).exists():
        return None
    kind = PlanAgreement.Kind.REVIEW if plan.agreements.exists() else PlanAgreement.Kind.FIRST
    agreement = PlanAgreement(
        client=plan.client,
        careplan=plan,
        agreed_on=state["response"].responded_on,
        kind=kind,
        plan_version=plan.version,
    )
    agreement.full_clean()
    agreement.save()
    audit.record(
        actor=author,
        action="planagreement.create",
        target=agreement,
        client=plan.client,
        origin=origin,
        detail={"version": plan.version},
    )
    return agreement


@transaction.atomic
def careplan_sign(
    *, careplan: CarePlan, user: User, plan_version: int, origin: Origin
) -> PlanSignoff:
    """A tandem member signs off the version they have read."""
    plan = _lock(careplan, plan_version)
    if not plan_access.can_sign_plan(user, plan):
        raise PermissionDenied(_("Only the two members of the client's tandem sign off the plan."))
    signoff, _created = PlanSignoff.objects.get_or_create(
        careplan=plan, plan_version=plan.version, user=user
    )
    audit.record(
        actor=user,
        action="careplan.sign",
        target=plan,
        client=plan.client,
        origin=origin,
        detail={"version": plan.version},
    )
    _record_agreement_if_complete(plan, author=user, origin=origin)
    return signoff


@transaction.atomic
def careplan_respond(
    *,
    careplan: CarePlan,
    author: User,
    plan_version: int,
    answer: str,
    in_their_words: str,
    responded_on: date,
    origin: Origin,
) -> ClientResponse:
    """Record the client's agreement or disagreement (with their reasons) with one version."""
    _require_editor(author, careplan)
    plan = _lock(careplan, plan_version)
    _not_before_episode(plan, responded_on=responded_on)
    response = ClientResponse(
        careplan=plan,
        plan_version=plan.version,
        answer=answer,
        in_their_words=in_their_words,
        responded_on=responded_on,
        recorded_by=author,
    )
    response.full_clean()
    response.save()
    audit.record(
        actor=author,
        action="careplan.respond",
        target=plan,
        client=plan.client,
        origin=origin,
        detail={"version": plan.version, "answer": answer},
    )
    _record_agreement_if_complete(plan, author=author, origin=origin)
    return response


@transaction.atomic
def comment_add(
    *, careplan: CarePlan, author: User, plan_version: int, text: str, made_on: date, origin: Origin
) -> PlanComment:
    """Keep a comment of the client with the plan version it refers to."""
    _require_editor(author, careplan)
    if not careplan.history.filter(version=plan_version).exists():
        raise ValidationError({"plan_version": _("There is no such version.")}, code="no_version")
    comment = PlanComment(
        careplan=careplan, plan_version=plan_version, text=text, made_on=made_on, recorded_by=author
    )
    comment.full_clean()
    comment.save()
    audit.record(
        actor=author,
        action="plancomment.create",
        target=comment,
        client=careplan.client,
        origin=origin,
        detail={"version": plan_version},
    )
    return comment


@transaction.atomic
def review_record(
    *,
    careplan: CarePlan,
    author: User,
    expected_version: int,
    held_on: date,
    what_changed: str,
    goal_progress: str = "",
    goal_statuses: dict[int, str] | None = None,
    origin: Origin,
) -> PlanReview:
    """Record the next due review; goal progress changes save a new version to agree on."""
    _require_editor(author, careplan)
    plan = _lock(careplan, expected_version)
    episode = plan.episode
    _not_before_episode(plan, held_on=held_on)
    nxt = next_review(
        started_on=episode.started_on,
        first_agreed=plan.agreements.exists(),
        reviewed_months=plan.reviews.values_list("month", flat=True),
        today=timezone.localdate(),
    )
    if nxt.month == 0:
        raise ValidationError(
            _(
                "The first plan has not been agreed yet: sign it off and record the client's answer."
            ),
            code="first_plan_not_agreed",
        )
    changed_goals = []
    for goal in plan.goals.all():
        status = (goal_statuses or {}).get(goal.pk)
        if status and status != goal.status:
            goal.status = status
            goal.full_clean()
            goal._history_user = author
            goal.save()
            changed_goals.append(goal.pk)
    if changed_goals:
        _save_version(plan, author=author, reason=gettext_noop("Review: goal progress"))
    review = PlanReview(
        careplan=plan,
        month=nxt.month,
        held_on=held_on,
        what_changed=what_changed,
        goal_progress=goal_progress,
        plan_version=plan.version,
        recorded_by=author,
    )
    review.full_clean()
    review.save()
    audit.record(
        actor=author,
        action="planreview.create",
        target=review,
        client=plan.client,
        origin=origin,
        detail={"month": nxt.month, "version": plan.version},
    )
    return review


def _check_share_consent(careplan: CarePlan, consent: Consent, today: date) -> None:
    if consent.client_id != careplan.client.pk:
        raise ValidationError(
            {"consent": _("The client has not consented to share with this recipient.")},
            code="no_consent",
        )
    # As of the day of sharing: given by then, in scope, not withdrawn by then, not expired.
    refusal = consent.refusal_on(today, ConsentScope.CRISIS_SHEET)
    if refusal is not None:
        raise ValidationError({"consent": refusal}, code="no_consent")
    if consent.support_person_id and consent.support_person.do_not_contact:
        raise ValidationError(
            {"consent": _("This person must not be contacted.")}, code="do_not_contact"
        )


def crisis_sheet_share(
    *, careplan: CarePlan, author: User, consent: Consent, origin: Origin
) -> tuple[CrisisSheetShare, bytes]:
    """Render the crisis sheet for a recipient the client consented to; record the share.

    The share and its audit event are written only once the PDF exists, in one transaction:
    a sheet that failed to render was never shared. Rendering takes a moment and runs before
    the transaction, so no write lock is held meanwhile (SQLite locks the whole database).
    """
    if not plan_access.can_share_crisis_sheet(author, careplan):
        raise PermissionDenied
    _check_share_consent(careplan, consent, timezone.localdate())
    share = CrisisSheetShare(
        careplan=careplan, consent=consent, plan_version=careplan.version, shared_by=author
    )
    share.full_clean()
    pdf = careplan_pdf.crisis_sheet_pdf(careplan=careplan, share=share)
    with transaction.atomic():
        # The consent may have been withdrawn while the sheet was rendered.
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        _check_share_consent(careplan, current, timezone.localdate())
        share.save()
        audit.record(
            actor=author,
            action="crisissheet.share",
            target=share,
            client=careplan.client,
            origin=origin,
            detail={"recipient": consent.recipient, "version": careplan.version},
        )
    return share, pdf
