"""Factories for instruments and assessments (scores computed as the service would)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from careplans.models import Assessment, Instrument


def scale_item(code: str, *, low: int = 1, high: int = 7, **extra) -> dict:
    return {
        "code": code,
        "type": "scale",
        "min": low,
        "max": high,
        "text": {"en": f"How is {code}?", "bg": f"Как е {code}?"},
        **extra,
    }


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ("code", "version")

    code = factory.Sequence(lambda n: f"test{n}")
    version = "1"
    name = factory.LazyAttribute(lambda i: f"Instrument {i.code}")
    items = factory.LazyFunction(
        lambda: [scale_item("a", low=0, high=4), scale_item("b", low=0, high=4)]
    )
    scoring = factory.LazyFunction(lambda: {"rule": "sum", "items": ["a", "b"]})


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment stored directly (e.g. imported): score given, no answers."""

    class Meta:
        model = Assessment

    client = factory.SubFactory("tests.factories.ClientFactory")
    episode = factory.LazyAttribute(lambda a: a.client.episodes.first())
    instrument = factory.LazyFunction(lambda: Instrument.objects.get(code="mansa", version="1"))
    instrument_version = factory.LazyAttribute(lambda a: a.instrument.version)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    timepoint = Assessment.Timepoint.BASELINE
    score = 4
