"""Factories of the care plans app; plans are made through the services, as a user makes them."""

from __future__ import annotations

import factory

from careplans.models import CarePlan, Goal
from tests.factories import EpisodeFactory


class CarePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarePlan

    episode = factory.SubFactory(EpisodeFactory)
    what_matters = "Жилище и моите книги. A room of my own."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    careplan = factory.SubFactory(CarePlanFactory)
    domain = "housing"
    in_their_words = "Да имам собствена стая"
