"""The rules of the core services, asked by calling the services directly (no form in front).

Pages are guarded by their forms as well, the API only by these checks: each test here fails
when its rule is taken out of the service (the staff rules are in tests/outreach/test_staff.py).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from outreach import services
from outreach.models import Contact, Tandem
from tests import db_state
from tests.factories import ContactFactory, TandemFactory, UserFactory


@pytest.fixture
def contact(team_client, worker):
    contact = ContactFactory(client=team_client, author=worker, note="as written")
    contact.staff.set([worker])
    return contact


def _edit(contact: Contact, actor, origin) -> None:
    services.contact_update(
        contact=Contact.objects.get(pk=contact.pk),
        actor=actor,
        origin=origin,
        note="changed",
        duration_minutes=contact.duration_minutes + 5,
        staff=[actor],
    )


@pytest.mark.parametrize("who", ["peer", "supervisor", "outsider", "outside_supervisor", "admin"])
def test_only_the_author_edits_a_contact(who, contact, users_by_role, origin):
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        _edit(contact, users_by_role[who], origin)
    assert exc.value.code == "not_author"
    assert Contact.objects.get(pk=contact.pk).note == "as written"


def test_an_author_no_longer_active_does_not_edit(contact, worker, origin):
    worker.is_active = False
    worker.save()
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        _edit(contact, worker, origin)
    assert exc.value.code == "not_author"


def test_the_author_edits(contact, worker, origin):
    _edit(contact, worker, origin)
    saved = Contact.objects.get(pk=contact.pk)
    assert saved.note == "changed" and saved.duration_minutes == contact.duration_minutes + 5


@pytest.mark.parametrize("who", ["outsider", "outside_supervisor", "coordinator", "admin"])
def test_a_client_is_opened_only_in_a_team_of_the_actor(who, team, users_by_role, origin):
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.client_create(
            actor=users_by_role[who], team=team, origin=origin, given_name="A", family_name="B"
        )
    assert list(exc.value.message_dict) == ["team"]


def test_a_member_opens_a_client_in_the_team(team, worker, origin):
    client = services.client_create(
        actor=worker, team=team, origin=origin, given_name="A", family_name="B"
    )
    assert client.team == team and client.tandem.team == team


def test_a_client_is_not_given_a_tandem_of_another_team(team_client, worker, other_team, origin):
    elsewhere = TandemFactory(team=other_team)
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.client_update(client=team_client, actor=worker, origin=origin, tandem=elsewhere)
    assert list(exc.value.message_dict) == ["tandem"]
    team_client.refresh_from_db()
    assert team_client.tandem.team_id == team_client.team_id


def test_a_tandem_of_the_team_is_taken_by_the_client_and_its_open_episode(
    team_client, worker, team, origin
):
    other = TandemFactory(team=team, professional=UserFactory(teams=[team]))
    services.client_update(client=team_client, actor=worker, origin=origin, tandem=other)
    assert Tandem.objects.get(clients=team_client) == other
    assert team_client.episodes.get().tandem == other
