"""The demo seeds assessments through the service: scores match the answers."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from careplans.models import Assessment


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
