"""Factories of risk, decisions, guardianship, complaints and training (rows as stored)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from outreach.models import (
    Complaint,
    RiskAssessment,
    RiskDomain,
    RiskReviewReason,
    SupportedDecision,
)
from tests.factories import ClientFactory, UserFactory


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    version = factory.LazyAttribute(
        lambda a: RiskAssessment.objects.filter(client=a.client).count() + 1
    )
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    reason = RiskReviewReason.SCHEDULED
    summary = "Sleeps rough in winter; agreed to call the peer worker when the voices get loud."
    author = factory.LazyAttribute(lambda a: UserFactory(teams=[a.client.team]))

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if create:
            RiskDomain.objects.create(
                assessment=self,
                domain="self_neglect",
                known="Skips meals when unwell.",
                plan="Lunch together on Tuesdays.",
            )


class SupportedDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportedDecision

    client = factory.SubFactory(ClientFactory)
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    decision = "To move into the supported flat on Vitosha street."
    will_and_preferences = "Wants a place of her own, near her sister, no hostel."
    other_supporter = "Peer advocate"
    author = factory.LazyAttribute(lambda d: UserFactory(teams=[d.client.team]))


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    client = factory.SubFactory(ClientFactory)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    about_kind = Complaint.About.HOSPITAL
    about = "Ward 4 of the state hospital"
    complaint = "They took my phone for the whole stay."
    author = factory.LazyAttribute(lambda c: UserFactory(teams=[c.client.team]))
