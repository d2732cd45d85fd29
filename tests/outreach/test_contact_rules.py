"""A contact's minutes and what counts as seeing the client, defined once in outreach/models."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from outreach.caserecord.forms import GroupSessionForm
from outreach.models import (
    CONTACT_MINUTES,
    SEEN_CONTACT,
    Client,
    Contact,
    validate_contact_minutes,
)
from outreach.serializers import ContactInSerializer
from tests.factories import ContactFactory

MESSAGE = "Minutes must be between 0 and 1440."


def test_minutes_run_from_0_to_a_day():
    assert CONTACT_MINUTES == (0, 1440)
    for ok in (0, 1440, None):
        validate_contact_minutes(ok)
    for bad in (-1, 1441):
        with pytest.raises(ValidationError) as exc:
            validate_contact_minutes(bad)
        assert exc.value.messages == [MESSAGE] and exc.value.code == "minutes_range"
    with translation.override("bg"), pytest.raises(ValidationError) as exc:
        validate_contact_minutes(1441)
    assert exc.value.messages == ["Минутите трябва да са между 0 и 1440."]


def test_model_form_and_serializer_give_the_same_message(team_client):
    contact = ContactFactory.build(client=team_client, duration_minutes=1441)
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    session = GroupSessionForm(
        {
            "title": "Walk",
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 1441,
            "location": "other",
            "attendees": [team_client.pk],
        },
        client=team_client,
        attendee_queryset=Client.objects.all(),
    )
    serializer = ContactInSerializer(
        data={
            "client": team_client.pk,
            "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "duration_minutes": -1,
            "mode": "phone",
            "outcome": "met",
        }
    )
    assert exc.value.message_dict["duration_minutes"] == [MESSAGE]
    assert session.errors["duration_minutes"] == [MESSAGE]
    assert not serializer.is_valid() and serializer.errors["duration_minutes"] == [MESSAGE]


@pytest.mark.parametrize(
    ("mode", "outcome", "seen"),
    [
        ("face_to_face", "met", True),
        ("face_to_face", "not_met", False),
        ("phone", "met", False),
        ("video", "met", False),
    ],
)
def test_seen_contact_filter_and_property_agree(team_client, mode, outcome, seen):
    contact = ContactFactory(
        client=team_client, mode=mode, outcome=outcome, location="", failure_reason=""
    )
    assert contact.is_seen is seen
    assert Contact.objects.filter(SEEN_CONTACT, pk=contact.pk).exists() is seen


def test_the_partial_index_of_seen_contacts_uses_the_same_rule():
    (index,) = [i for i in Contact._meta.indexes if i.name == "contact_seen_client_idx"]
    assert index.condition == SEEN_CONTACT
