"""Demo assessments: MANSA at the clock's timepoints and a DIALOG, recorded like a tandem would."""

from __future__ import annotations

from datetime import timedelta

from careplans.assessments.selectors import due_dates, instrument_for_use
from careplans.assessments.services import assessment_record
from outreach import demo
from outreach.demo import DemoContext


def _answers(ctx: DemoContext, instrument, level: int) -> dict:
    answers = {}
    for item in instrument.items:
        if item.get("type", "scale") == "yes_no":
            answers[item["code"]] = ctx.rng.random() < 0.5
        else:
            value = level + ctx.rng.choice((-1, 0, 0, 1))
            answers[item["code"]] = max(item["min"], min(item["max"], value))
    return answers


@demo.register
def seed_assessments(ctx: DemoContext) -> None:
    """Record MANSA for most clients in care (improving a little) and DIALOG for a few."""
    mansa, dialog = instrument_for_use("mansa"), instrument_for_use("dialog")
    if mansa is None or dialog is None:
        return
    for n, client in enumerate(ctx.clients):
        episode = client.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()
        if episode is None or n % 6 == 3:  # leave some due, to show the clock
            continue
        author = client.tandem.professional if client.tandem else ctx.users["worker"]
        level = ctx.rng.choice((3, 3, 4))
        for timepoint, due_on in due_dates(episode.started_on):
            if due_on > ctx.today or (timepoint != "baseline" and ctx.rng.random() < 0.1):
                continue
            assessment_record(
                client=client,
                instrument=mansa,
                author=author,
                assessed_on=min(due_on + timedelta(days=ctx.rng.choice((0, 2, 5))), ctx.today),
                timepoint=timepoint,
                answers=_answers(ctx, mansa, level),
                origin=ctx.origin,
            )
            level = min(level + 1, 6)
        if n % 3 == 0:
            assessment_record(
                client=client,
                instrument=dialog,
                author=author,
                assessed_on=ctx.today,
                timepoint="other",
                answers=_answers(ctx, dialog, 4),
                help_wanted=["accommodation", "job"],
                origin=ctx.origin,
            )
