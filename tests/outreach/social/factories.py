"""Factories of the living situation, carers and costs; consistent with tests/factories.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from outreach.models import Carer, CarerNeedsReview, LivingStatus, Spending
from tests.factories import ClientFactory, SupportPersonFactory, UserFactory


class LivingStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivingStatus

    client = factory.SubFactory(ClientFactory)
    domain = "housing"
    status = "shelter"
    since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    client = factory.SubFactory(ClientFactory)
    support_person = factory.LazyAttribute(
        lambda o: SupportPersonFactory(client=o.client, relation="carer")
    )
    kind = Carer.Kind.PRACTICAL
    frequency = Carer.Frequency.DAILY


class CarerNeedsReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerNeedsReview

    carer = factory.SubFactory(CarerFactory)
    reviewed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    needs = "A break one afternoon a week"
    reviewed_by = factory.LazyAttribute(lambda o: UserFactory())


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    client = factory.SubFactory(ClientFactory)
    spent_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    amount = Decimal("12.50")
    purpose = Spending.Purpose.TRANSPORT
    recorded_by = factory.LazyAttribute(lambda o: UserFactory())
