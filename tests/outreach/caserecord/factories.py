"""Factories of the case record's events; consistent with tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from outreach.models import (
    AgencyRequest,
    CaseAgency,
    CoerciveMeasure,
    Crisis,
    HospitalStay,
    Milestone,
    Relapse,
)
from tests.factories import ClientFactory


class HospitalStayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HospitalStay

    client = factory.SubFactory(ClientFactory)
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    discharged_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    legal_status = "voluntary"
    hospital = "UMBAL Aleksandrovska"


class CoerciveMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoerciveMeasure

    client = factory.SubFactory(ClientFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    kind = CoerciveMeasure.Kind.SECLUSION


class CrisisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crisis

    client = factory.SubFactory(ClientFactory)
    reported_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    first_response_at = factory.LazyAttribute(lambda c: c.reported_at + timedelta(hours=2))


class RelapseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relapse

    client = factory.SubFactory(ClientFactory)
    onset_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    signs = "sleeping badly"


class CaseAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAgency

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")


class AgencyRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyRequest

    client = factory.SubFactory(ClientFactory)
    agency = "Social Assistance Directorate"
    request = "appointment for documents"
    sent_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    client = factory.SubFactory(ClientFactory)
    kind = Milestone.Kind.HOUSING
    achieved_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
