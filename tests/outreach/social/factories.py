"""Factories of the living situation, carers and costs; consistent with tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from outreach.models import LivingStatus
from tests.factories import ClientFactory


class LivingStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivingStatus

    client = factory.SubFactory(ClientFactory)
    domain = "housing"
    status = "shelter"
    since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
