"""Writes of assessments: answers checked against the instrument, scores computed, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from careplans import access as plan_access
from careplans.assessments import instruments
from careplans.models import Assessment, CarerAssessment, Instrument
from outreach import audit
from outreach.models import Carer, Client, Episode, User, not_in_future
from outreach.origin import Origin


def _duplicate_error(instrument: Instrument, assessed_on: date) -> ValidationError:
    return ValidationError(
        {
            "assessed_on": _(
                "There is already a %(instrument)s assessment for this client on %(date)s. "
                "Open it from the list instead of recording it twice."
            )
            % {"instrument": instrument.display_name, "date": assessed_on.isoformat()}
        },
        code="assessment_duplicate",
    )


def episode_on(client: Client, day: date) -> Episode | None:
    """Return the client's episode that includes `day`, raising if the date is outside all."""
    episodes = list(client.episodes.order_by("started_on"))
    if not episodes:
        return None
    for episode in reversed(episodes):
        if episode.started_on <= day and (episode.ended_on is None or day <= episode.ended_on):
            return episode
    first = episodes[0]
    if day < first.started_on:
        message = _("The date is before the episode started (%(start)s).") % {
            "start": first.started_on.isoformat()
        }
    else:
        message = _("The date is not within an episode of care of this client.")
    raise ValidationError({"assessed_on": message}, code="assessment_outside_episode")


@dataclass(frozen=True)
class _Checked:
    answers: dict[str, int | bool]
    help_wanted: list[str]
    episode: Episode | None
    score: Decimal
    scores: dict[str, str]


def _check(
    *,
    client: Client,
    instrument: Instrument,
    assessed_on: date | None,
    answers: Mapping[str, Any],
    help_wanted: Iterable[str],
    exclude_pk: int | None = None,
) -> _Checked:
    """Check answers and date together (all errors at once); compute the scores."""
    # The stored definition could have been edited in the database: check it before scoring.
    instruments.validate_definition(items=instrument.items, scoring=instrument.scoring)
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, int | bool] = {}
    wanted: list[str] = []
    try:
        cleaned, wanted = instruments.clean_answers(
            items=instrument.items, answers=answers, help_wanted=list(help_wanted)
        )
    except ValidationError as exc:
        exc.update_error_dict(errors)
    episode = None
    try:
        if assessed_on is None:
            raise ValidationError({"assessed_on": _("Give the date.")}, code="required")
        not_in_future(assessed_on)
        episode = episode_on(client, assessed_on)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            exc = ValidationError({"assessed_on": exc.error_list})
        exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    same_day = Assessment.objects.filter(
        client=client, instrument__code=instrument.code, assessed_on=assessed_on
    )
    if exclude_pk is not None:
        same_day = same_day.exclude(pk=exclude_pk)
    if same_day.exists():
        raise _duplicate_error(instrument, assessed_on)
    score, scores = instruments.compute_scores(scoring=instrument.scoring, answers=cleaned)
    return _Checked(cleaned, wanted, episode, score, scores)


def _save(assessment: Assessment) -> None:
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:  # two saves at once: the constraint decides
        raise _duplicate_error(assessment.instrument, assessment.assessed_on) from exc


@transaction.atomic
def assessment_record(
    *,
    client: Client,
    instrument: Instrument,
    author: User,
    assessed_on: date,
    answers: Mapping[str, Any],
    timepoint: str = "",
    help_wanted: Iterable[str] = (),
    source_ref: str = "",
    origin: Origin,
) -> Assessment:
    """Record an assessment; the score and sub-scores are computed from the answers."""
    if not instrument.active:
        raise ValidationError(_("This instrument is no longer in use."), code="instrument_inactive")
    checked = _check(
        client=client,
        instrument=instrument,
        assessed_on=assessed_on,
        answers=answers,
        help_wanted=help_wanted,
    )
    assessment = Assessment(
        client=client,
        episode=checked.episode,
        instrument=instrument,
        instrument_version=instrument.version,
        assessed_on=assessed_on,
        timepoint=timepoint,
        answers=checked.answers,
        help_wanted=checked.help_wanted,
        score=checked.score,
        scores=checked.scores,
        author=author,
        source_ref=source_ref,
    )
    _save(assessment)
    audit.record(
        actor=author,
        action="assessment.create",
        target=assessment,
        client=client,
        origin=origin,
        detail={
            "instrument": instrument.code,
            "version": instrument.version,
            "timepoint": timepoint,
            "assessed_on": assessed_on.isoformat(),
        },
    )
    return assessment


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    actor: User,
    assessed_on: date,
    answers: Mapping[str, Any],
    timepoint: str = "",
    help_wanted: Iterable[str] = (),
    origin: Origin,
) -> Assessment:
    """Correct an assessment with the instrument version it was recorded with; rescored."""
    assessment = (
        Assessment.objects.select_for_update().select_related("instrument").get(pk=assessment.pk)
    )
    if not plan_access.can_correct_assessment(actor, assessment):
        raise PermissionDenied(_("Only the worker who recorded an assessment can correct it."))
    checked = _check(
        client=assessment.client,
        instrument=assessment.instrument,
        assessed_on=assessed_on,
        answers=answers,
        help_wanted=help_wanted,
        exclude_pk=assessment.pk,
    )
    stored = audit.stored_values(assessment)
    before = {
        "assessed_on": assessment.assessed_on.isoformat(),
        "timepoint": assessment.timepoint,
        "score": str(assessment.score),
    }
    assessment.episode = checked.episode
    assessment.assessed_on = assessed_on
    assessment.timepoint = timepoint
    assessment.answers = checked.answers
    assessment.help_wanted = checked.help_wanted
    assessment.score = checked.score
    assessment.scores = checked.scores
    _save(assessment)
    after = {
        "assessed_on": assessed_on.isoformat(),
        "timepoint": timepoint,
        "score": str(assessment.score),
    }
    audit.record(
        actor=actor,
        action="assessment.update",
        target=assessment,
        client=assessment.client,
        origin=origin,
        detail={
            "changed": sorted(k for k in before if before[k] != after[k]),
            "before": before,
            "after": after,
            "changes": audit.changes_of(assessment, stored),
        },
    )
    return assessment


@transaction.atomic
def carer_assessment_record(
    *,
    carer: Carer,
    instrument: Instrument,
    author: User,
    assessed_on: date | None,
    answers: Mapping[str, Any],
    origin: Origin,
) -> CarerAssessment:
    """Measure a carer's own burden with an instrument for carers; the score is computed here."""
    if instrument.applies_to != Instrument.AppliesTo.CARER:
        raise ValidationError(
            {
                "instrument": ValidationError(
                    _("This instrument is not one for carers."), code="not_a_carer_instrument"
                )
            }
        )
    if carer.support_person.do_not_contact:
        raise ValidationError(
            _("The client asked that this person is not contacted."), code="carer_do_not_contact"
        )
    instruments.validate_definition(items=instrument.items, scoring=instrument.scoring)
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, int | bool] = {}
    try:
        cleaned, _wanted = instruments.clean_answers(
            items=instrument.items, answers=answers, help_wanted=[]
        )
    except ValidationError as exc:
        exc.update_error_dict(errors)
    try:
        if assessed_on is None:
            raise ValidationError({"assessed_on": _("Give the date.")}, code="required")
        not_in_future(assessed_on)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            exc = ValidationError({"assessed_on": exc.error_list})
        exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError(
        {
            "assessed_on": _("This carer already has a %(instrument)s assessment on %(date)s.")
            % {"instrument": instrument.display_name, "date": assessed_on.isoformat()}
        },
        code="carer_assessment_duplicate",
    )
    if CarerAssessment.objects.filter(
        carer=carer, instrument=instrument, assessed_on=assessed_on
    ).exists():
        raise duplicate
    score, scores = instruments.compute_scores(scoring=instrument.scoring, answers=cleaned)
    assessment = CarerAssessment(
        carer=carer,
        instrument=instrument,
        instrument_version=instrument.version,
        assessed_on=assessed_on,
        answers=cleaned,
        score=score,
        scores=scores,
        author=author,
    )
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:
        raise duplicate from exc
    audit.record(
        actor=author,
        action="carerassessment.create",
        target=assessment,
        client=carer.client,
        origin=origin,
        detail={"instrument": instrument.code, "version": instrument.version},
    )
    return assessment
