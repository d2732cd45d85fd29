"""All factory_boy factories; related objects stay consistent (a contact's client is the episode's)."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from outreach.models import (
    Client,
    Consent,
    Contact,
    Episode,
    Municipality,
    Role,
    SupportPerson,
    Tandem,
    Team,
    User,
)
from outreach.origin import Origin


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Municipality {n}")
    slug = factory.Sequence(lambda n: f"municipality-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    role = Role.PROFESSIONAL
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)


class TandemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tandem

    team = factory.SubFactory(TeamFactory)
    professional = factory.LazyAttribute(
        lambda t: UserFactory(role=Role.PROFESSIONAL, teams=[t.team])
    )
    peer = factory.LazyAttribute(lambda t: UserFactory(role=Role.PEER, teams=[t.team]))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    team = factory.SubFactory(TeamFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    birth_date = date(1980, 5, 17)
    sex = "female"


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    client = factory.SubFactory(ClientFactory)
    tandem = factory.LazyAttribute(lambda e: e.client.tandem)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=90))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    duration_minutes = 30
    mode = Contact.Mode.FACE_TO_FACE
    location = Contact.Location.STREET
    outcome = Contact.Outcome.MET


class SupportPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPerson

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Supporter {n}")
    relation = SupportPerson.Relation.FAMILY


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    recipient = "Social Assistance Directorate"
    scope = "crisis_sheet"
    given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


# --- referrals (issue 4) ---
class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.Referral"

    municipality = factory.SubFactory(MunicipalityFactory)
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    source = "hospital"
    given_name = factory.Sequence(lambda n: f"Referred{n}")
    family_name = factory.Sequence(lambda n: f"Person{n}")
    sex = "male"
    reasons = "Not engaging with services, lost housing."


def make_origin(actor: User | None = None, **fields: str) -> Origin:
    """An Origin for calling services directly, as if from a page (documentation address)."""
    return Origin(
        actor=actor,
        ip=fields.pop("ip", "192.0.2.10"),
        user_agent=fields.pop("user_agent", "pytest"),
        path=fields.pop("path", "/tests/"),
        **fields,
    )
