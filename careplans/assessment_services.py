"""Writes of assessments: answers checked against the instrument, scores computed, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from careplans import instruments
from careplans.models import Assessment, Instrument
from outreach import audit
from outreach.models import Client, Episode, User, not_in_future

if TYPE_CHECKING:
    from django.http import HttpRequest


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
    request: HttpRequest | None = None,
) -> Assessment:
    """Record an assessment; the score and sub-scores are computed from the answers."""
    if not instrument.active:
        raise ValidationError(_("This instrument is no longer in use."), code="instrument_inactive")
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
    score, scores = instruments.compute_scores(scoring=instrument.scoring, answers=cleaned)
    if Assessment.objects.filter(
        client=client, instrument__code=instrument.code, assessed_on=assessed_on
    ).exists():
        raise _duplicate_error(instrument, assessed_on)
    assessment = Assessment(
        client=client,
        episode=episode,
        instrument=instrument,
        instrument_version=instrument.version,
        assessed_on=assessed_on,
        timepoint=timepoint,
        answers=cleaned,
        help_wanted=wanted,
        score=score,
        scores=scores,
        author=author,
        source_ref=source_ref,
    )
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:  # two saves at once: the constraint decides
        raise _duplicate_error(instrument, assessed_on) from exc
    audit.record(
        actor=author,
        action="assessment.create",
        target=assessment,
        client=client,
        request=request,
        detail={
            "instrument": instrument.code,
            "version": instrument.version,
            "timepoint": timepoint,
            "assessed_on": assessed_on.isoformat(),
        },
    )
    return assessment
