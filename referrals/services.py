"""Every write to referrals: validated, atomic and audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import audit
from outreach.dates import FUTURE_TIME, is_future_date, is_future_time
from outreach.models import Client, Episode, Municipality, Tandem, Team, User
from outreach.origin import Origin
from referrals import access, selectors
from referrals.matching import duplicate_candidates
from referrals.models import (
    CheckStatus,
    CriteriaVersion,
    Criterion,
    CriterionRole,
    DuplicateCheck,
    Referral,
    ReferralScore,
    Status,
)

SUBMIT_FIELDS = (
    "source",
    "source_organisation",
    "referrer_name",
    "referrer_phone",
    "given_name",
    "family_name",
    "birth_date",
    "approximate_age",
    "sex",
    "phone",
    "whereabouts",
    "reasons",
    "urgent",
    "person_knows",
    "person_agrees",
)


HOLD_OPEN = gettext_lazy(
    "A possible match with a record of another team needs checking by that team's supervisor. "
    "Accepting waits for their answer."
)
HOLD_SAME = gettext_lazy(
    "The other team's supervisor found that this person is known to their team: "
    "that team accepts the referral."
)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def current_criteria(municipality: Municipality) -> CriteriaVersion:
    """Return the criteria version in use for a municipality (its own, else the default)."""
    version = (
        CriteriaVersion.objects.filter(municipality=municipality, active=True)
        .order_by("-version")
        .first()
    ) or (
        CriteriaVersion.objects.filter(municipality__isnull=True, active=True)
        .order_by("-version")
        .first()
    )
    if version is None:
        raise ValidationError(
            _("No eligibility criteria are configured for %(m)s.") % {"m": municipality},
            code="no_criteria",
        )
    return version


@transaction.atomic
def referral_submit(
    *,
    actor: User,
    municipality: Municipality,
    received_at: datetime | None = None,
    origin: Origin,
    **fields: Any,
) -> Referral:
    """Record a referral (from a partner's form, or taken by phone or letter by the team)."""
    unknown = set(fields) - set(SUBMIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown referral fields {sorted(unknown)}")
    referral = Referral(
        municipality=municipality,
        submitted_by=actor,
        received_at=received_at or timezone.now(),
        **fields,
    )
    if not referral.source_organisation and actor.organisation:
        referral.source_organisation = actor.organisation
    referral.full_clean()
    referral.save()
    audit.record(actor=actor, action="referral.create", target=referral, origin=origin)
    duplicate_checks_open(referral=referral, actor=actor, origin=origin)
    return referral


@transaction.atomic
def duplicate_checks_open(
    *, referral: Referral, actor: User | None, origin: Origin
) -> list[DuplicateCheck]:
    """Ask each team with a possible duplicate of the referred person to check it (once a team).

    Runs when a referral is submitted and whenever its decide page is opened (clients may have
    been added since); the supervisors of the team answer on their list of checks.
    """
    if not referral.is_open:
        return []
    teams = set(duplicate_candidates(referral).values_list("team", flat=True))
    asked = set(DuplicateCheck.objects.filter(referral=referral).values_list("team", flat=True))
    opened = []
    for team_id in sorted(teams - asked):
        check, created = DuplicateCheck.objects.get_or_create(
            referral=referral, team_id=team_id, defaults={"opened_by": actor}
        )
        if created:
            audit.record(
                actor=actor,
                action="referral.duplicate_check_open",
                target=check,
                origin=origin,
                detail={"referral": referral.pk, "team": team_id},
            )
            opened.append(check)
    return opened


@transaction.atomic
def duplicate_check_resolve(
    *,
    check: DuplicateCheck,
    actor: User,
    status: str,
    client: Client | None = None,
    note: str = "",
    origin: Origin,
) -> DuplicateCheck:
    """Record a supervisor's answer: the referred person is one of their team's clients, or not."""
    if not access.checkable_duplicates(actor).filter(pk=check.pk).exists():
        raise PermissionDenied
    referral = _lock(check.referral)
    check = DuplicateCheck.objects.select_for_update().get(pk=check.pk)
    check.referral = referral
    _check_undecided(referral)
    if status == CheckStatus.SAME:
        matched = duplicate_candidates(referral).filter(team=check.team_id)
        if client is None or not matched.filter(pk=client.pk).exists():
            raise _field_error(
                "client",
                _("Choose which of your team's clients is the referred person."),
                "client_required",
            )
    elif status == CheckStatus.DIFFERENT:
        client = None
    else:
        raise _field_error("status", _("Choose an answer."), "status_required")
    check.status = status
    check.client = client
    check.note = note.strip()
    check.resolved_by = actor
    check.resolved_at = timezone.now()
    check.full_clean()
    check.save()
    audit.record(
        actor=actor,
        action="referral.duplicate_check_resolve",
        target=check,
        client=client,
        origin=origin,
        detail={"referral": referral.pk, "team": check.team_id, "status": status},
    )
    return check


def score_answers(
    *, version: CriteriaVersion, answers: dict[str, str], criteria: list[Criterion] | None = None
) -> tuple[int, bool, list[dict[str, Any]]]:
    """Score answers under a criteria version: (score, eligible, explanation); errors if incomplete."""
    criteria = list(version.criteria.all()) if criteria is None else criteria
    errors: dict[str, list[ValidationError]] = {}
    explanation: list[dict[str, Any]] = []
    score = 0
    eligible = True
    for criterion in criteria:
        answer = str(answers.get(criterion.code) or "")
        valid = {value for value, _label in criterion.choices()}
        if answer and answer not in valid:
            errors[criterion.code] = [
                ValidationError(_("Choose one of the offered answers."), code="invalid_answer")
            ]
            continue
        if not answer and criterion.role != CriterionRole.SCORING:
            errors[criterion.code] = [
                ValidationError(
                    _("Answer this question: it decides eligibility."), code="answer_required"
                )
            ]
            continue
        points = criterion.points_for(answer)
        if criterion.role == CriterionRole.REQUIRED and answer != "yes":
            eligible = False
        if criterion.role == CriterionRole.EXCLUDING and answer == "yes":
            eligible = False
        score += points
        label = dict(criterion.choices()).get(answer, "") if answer else ""
        explanation.append(
            {
                "code": criterion.code,
                "question": criterion.question,
                "role": criterion.role,
                "answer": answer,
                "answer_label": label,
                "points": points,
            }
        )
    if errors:
        raise ValidationError(errors)
    return score, eligible, explanation


def _record_score(
    *, referral: Referral, version: CriteriaVersion, answers: dict[str, str], actor: User
) -> ReferralScore:
    score, eligible, explanation = score_answers(version=version, answers=answers)
    kept = {k: v for k, v in answers.items() if v}
    result = ReferralScore(
        referral=referral,
        version=version,
        answers=kept,
        score=score,
        eligible=eligible,
        explanation=explanation,
        scored_by=actor,
    )
    result.full_clean()
    result.save()
    referral.answers = kept
    referral.score = score
    referral.eligible = eligible
    referral.criteria_version = version
    return result


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def referral_screen(
    *, referral: Referral, actor: User, answers: dict[str, str], origin: Origin
) -> ReferralScore:
    """Record the eligibility checklist and score it under the municipality's current version."""
    referral = _lock(referral)
    if referral.status not in (Status.RECEIVED, Status.SCREENING, Status.WAITLISTED):
        raise ValidationError(_("This referral has been decided."), code="already_decided")
    _check_received_by_today(referral)
    version = current_criteria(referral.municipality)
    result = _record_score(referral=referral, version=version, answers=answers, actor=actor)
    if referral.status == Status.RECEIVED:
        referral.status = Status.SCREENING
    referral.full_clean(exclude=["received_at"])
    referral.save()
    audit.record(
        actor=actor,
        action="referral.screen",
        target=referral,
        origin=origin,
        detail={"version": str(version), "score": result.score, "eligible": result.eligible},
    )
    return result


@transaction.atomic
def referral_rescore(*, referral: Referral, actor: User, origin: Origin) -> ReferralScore:
    """Score the stored answers again under the current version; the old score stays recorded."""
    referral = _lock(referral)
    if referral.criteria_version_id is None:
        raise ValidationError(_("Screen the referral before re-scoring it."), code="not_screened")
    version = current_criteria(referral.municipality)
    try:
        result = _record_score(
            referral=referral, version=version, answers=referral.answers, actor=actor
        )
    except ValidationError as exc:
        raise ValidationError(
            _(
                "The current criteria ask questions this referral has no answer to: screen it again."
            ),
            code="rescore_incomplete",
        ) from exc
    referral.full_clean(exclude=["received_at"])
    referral.save()
    audit.record(
        actor=actor,
        action="referral.rescore",
        target=referral,
        origin=origin,
        detail={"version": str(version), "score": result.score, "eligible": result.eligible},
    )
    return result


def _check_received_by_today(referral: Referral) -> None:
    """Screening has no time field: it is compared by day, so a referral received today (even
    at a time the clocks put a little ahead) is screened today. The time of receipt was checked
    when the referral was recorded and is not checked again against a clock that moved on."""
    if is_future_date(timezone.localtime(referral.received_at).date()):
        raise ValidationError(
            _("This referral is dated after today: it cannot be screened before %(day)s.")
            % {"day": date_format(timezone.localtime(referral.received_at).date())},
            code="received_in_future",
        )


def _decision_time(referral: Referral, decided_at: datetime | None) -> datetime:
    """Validate when a decision was made; forms work in whole minutes, so the minute of receipt
    counts as at or after receipt."""
    decided_at = decided_at or timezone.now()
    if decided_at < referral.received_at and decided_at.replace(
        second=0, microsecond=0
    ) == referral.received_at.replace(second=0, microsecond=0):
        decided_at = referral.received_at
    _check_decision_time(referral, decided_at)
    return decided_at


def _check_decision_time(referral: Referral, decided_at: datetime) -> None:
    if is_future_time(decided_at):
        raise _field_error("decided_at", FUTURE_TIME, "future_time")
    if decided_at < referral.received_at:
        raise _field_error(
            "decided_at",
            _("A decision cannot be made before the referral was received."),
            "decision_before_receipt",
        )


def _check_undecided(referral: Referral) -> None:
    if referral.status not in (Status.RECEIVED, Status.SCREENING, Status.WAITLISTED):
        raise ValidationError(_("This referral has already been decided."), code="already_decided")


def _decide(
    *,
    referral: Referral,
    actor: User,
    status: str,
    decided_at: datetime,
    reason: str,
    origin: Origin,
    detail: dict[str, Any] | None = None,
) -> Referral:
    referral.status = status
    referral.decided_at = decided_at
    referral.decided_by = actor
    referral.decision_reason = reason
    referral.full_clean()
    referral.save()
    audit.record(
        actor=actor,
        action=f"referral.{status}",
        target=referral,
        origin=origin,
        detail={"reason": reason, **(detail or {})},
    )
    return referral


@transaction.atomic
def referral_decline(
    *,
    referral: Referral,
    actor: User,
    reason: str,
    decided_at: datetime | None = None,
    origin: Origin,
) -> Referral:
    """Decline a referral; the reason is required and shown to the referrer."""
    referral = _lock(referral)
    _check_undecided(referral)
    decided_at = _decision_time(referral, decided_at)
    if not reason.strip():
        raise _field_error(
            "reason", _("Give the reason: the referrer will see it."), "reason_required"
        )
    return _decide(
        referral=referral,
        actor=actor,
        status=Status.DECLINED,
        decided_at=decided_at,
        reason=reason.strip(),
        origin=origin,
    )


@transaction.atomic
def referral_withdraw(
    *,
    referral: Referral,
    actor: User,
    reason: str = "",
    decided_at: datetime | None = None,
    origin: Origin,
) -> Referral:
    """Record that the referral was withdrawn (by the referrer or the person)."""
    referral = _lock(referral)
    _check_undecided(referral)
    decided_at = _decision_time(referral, decided_at)
    return _decide(
        referral=referral,
        actor=actor,
        status=Status.WITHDRAWN,
        decided_at=decided_at,
        reason=reason.strip(),
        origin=origin,
    )


def open_episode_count(team: Team) -> int:
    return Episode.objects.filter(client__team=team, ended_on__isnull=True).count()


def _check_team(referral: Referral, team: Team) -> None:
    if team.municipality_id != referral.municipality_id:
        raise _field_error(
            "team", _("The team does not work in the referral's municipality."), "team_elsewhere"
        )


@transaction.atomic
def referral_waitlist(
    *,
    referral: Referral,
    actor: User,
    team: Team,
    reason: str = "",
    decided_at: datetime | None = None,
    origin: Origin,
) -> Referral:
    """Put an eligible referral on a team's waiting list."""
    referral = _lock(referral)
    if referral.status not in (Status.RECEIVED, Status.SCREENING):
        raise ValidationError(_("This referral has already been decided."), code="already_decided")
    _check_team(referral, team)
    _check_screened(referral)
    decided_at = _decision_time(referral, decided_at)
    referral.team = team
    referral.waitlisted_at = decided_at
    return _decide(
        referral=referral,
        actor=actor,
        status=Status.WAITLISTED,
        decided_at=decided_at,
        reason=reason.strip(),
        origin=origin,
        detail={"team": team.pk},
    )


def _check_screened(referral: Referral) -> None:
    if referral.criteria_version_id is None:
        raise ValidationError(
            _("Screen the referral with the eligibility checklist first."), code="not_screened"
        )
    if not referral.eligible:
        raise ValidationError(
            _("The checklist found the person not eligible: decline, or correct the answers."),
            code="not_eligible",
        )


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    actor: User,
    team: Team,
    tandem: Tandem | None = None,
    link_client: Client | None = None,
    new_client: bool = False,
    reason: str = "",
    decided_at: datetime | None = None,
    origin: Origin,
) -> Referral:
    """Accept a referral: create (or link) the client and open an episode with a tandem.

    When the team is at capacity the referral goes on its waiting list instead.
    """
    referral = _lock(referral)
    _check_undecided(referral)
    _check_team(referral, team)
    _check_screened(referral)
    decided_at = _decision_time(referral, decided_at)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if open_episode_count(team) >= team.capacity:
        if referral.status == Status.WAITLISTED and referral.team_id == team.pk:
            raise ValidationError(
                _("%(team)s is still at capacity (%(n)s): the referral stays on the waiting list.")
                % {"team": team, "n": team.capacity},
                code="at_capacity",
            )
        referral.team = team
        referral.waitlisted_at = decided_at
        return _decide(
            referral=referral,
            actor=actor,
            status=Status.WAITLISTED,
            decided_at=decided_at,
            reason=reason.strip(),
            origin=origin,
            detail={"team": team.pk, "at_capacity": True},
        )
    if tandem is None or tandem.team_id != team.pk or tandem.ended_on is not None:
        raise _field_error("tandem", _("Choose an active tandem of the team."), "tandem_required")
    # Only candidates the actor may open are offered; a match in a team they may not open waits
    # for that team's supervisor, and nothing about it (not even which field) is said here.
    matches = selectors.duplicate_matches(user=actor, referral=referral)
    if matches.hold == CheckStatus.OPEN:
        raise ValidationError(HOLD_OPEN, code="duplicate_check_open")
    if matches.hold == CheckStatus.SAME:
        raise ValidationError(HOLD_SAME, code="duplicate_check_same")
    candidates = {c.pk for c in matches.candidates}
    if link_client is None and not new_client:
        if candidates:
            raise _field_error(
                "client",
                _(
                    "Possible duplicates exist: choose the existing client or confirm "
                    "that this is a new person."
                ),
                "duplicates_unresolved",
            )
        new_client = True
    today = timezone.localdate(decided_at)
    if link_client is not None:
        if link_client.pk not in candidates:
            raise _field_error(
                "client",
                _("Only one of the offered possible duplicates can be linked."),
                "not_a_candidate",
            )
        client = Client.objects.select_for_update().get(pk=link_client.pk)
        if client.team_id != team.pk:
            # Linking would move another team's record (and its notes) into this team.
            raise _field_error(
                "client",
                _(
                    "%(name)s is a client of %(team)s. Accept the referral into that team, "
                    "or ask its supervisor to transfer the record first."
                )
                % {"name": client.full_name, "team": client.team},
                "cross_team_link",
            )
        if client.episodes.filter(ended_on__isnull=True).exists():
            raise _field_error(
                "client",
                _("%(name)s already has an open episode of care: no new one is opened.")
                % {"name": client.full_name},
                "episode_open",
            )
        previous_team = client.team_id
        client.team = team
        client.tandem = tandem
        client.full_clean()
        client.save()
        audit.record(
            actor=actor,
            action="referral.link_client",
            target=referral,
            client=client,
            origin=origin,
            detail={"client": client.pk, "previous_team": previous_team},
        )
    else:
        if not referral.given_name.strip():
            raise _field_error(
                "client",
                _("Give the person's given name before accepting: the client needs one."),
                "name_required",
            )
        client = Client(
            team=team,
            tandem=tandem,
            given_name=referral.given_name.strip(),
            family_name=referral.family_name.strip(),
            birth_date=referral.birth_date,
            sex=referral.sex,
            phone=referral.phone,
            whereabouts=referral.whereabouts,
        )
        client.full_clean()
        client.save()
        audit.record(actor=actor, action="client.create", target=client, origin=origin)
    episode = Episode(client=client, tandem=tandem, started_on=today)
    episode.full_clean()
    episode.save()
    audit.record(actor=actor, action="episode.open", target=episode, client=client, origin=origin)
    referral.client = client
    referral.team = team
    return _decide(
        referral=referral,
        actor=actor,
        status=Status.ACCEPTED,
        decided_at=decided_at,
        reason=reason.strip(),
        origin=origin,
        detail={"team": team.pk, "tandem": tandem.pk, "client": client.pk, "episode": episode.pk},
    )
