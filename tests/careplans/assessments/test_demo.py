"""The demo seeds assessments through the service (scores match the answers) and dated plans."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from careplans.models import Assessment, CarePlan, PlanSignoff


def test_seed_demo_records_scored_assessments(db):
    call_command("seed_demo", verbosity=0)
    mansa = list(Assessment.objects.filter(instrument__code="mansa"))
    assert mansa
    for assessment in mansa:
        scored = [assessment.answers[code] for code in assessment.instrument.scoring["items"]]
        expected = (Decimal(sum(scored)) / 12).quantize(Decimal("0.0001"))
        assert assessment.score == expected
        assert assessment.episode is not None
    assert Assessment.objects.filter(instrument__code="dialog").exclude(help_wanted=[]).exists()

    # Plan versions are dated across the year of care, in order, never in the future.
    now = timezone.now()
    spans = []
    for plan in CarePlan.objects.all():
        dates = list(plan.history.order_by("history_id").values_list("history_date", flat=True))
        assert dates == sorted(dates) and dates[-1] <= now
        assert timezone.localdate(dates[0]) >= plan.episode.started_on
        spans.append((dates[-1] - dates[0]).days)
    assert max(spans) > 90  # reviewed plans span months, not the minute of seeding
    first_days = {
        timezone.localdate(plan.history.earliest("history_id").history_date)
        for plan in CarePlan.objects.all()
    }
    assert len(first_days) > 5
    for signoff in PlanSignoff.objects.select_related("careplan"):
        assert signoff.signed_at <= now
