"""The demo seeds debriefs (one overdue for the demo worker), conferences and group sessions."""

from __future__ import annotations

import io

from django.core.management import call_command

import outreach.caserecord.demo  # noqa: F401 - registers the events' demo function
from outreach.caserecord import selectors as event_selectors
from outreach.models import CaseConference, CoerciveMeasure, Contact, Debrief, GroupSession, User


def test_seed_demo_with_events(db):
    call_command("seed_demo", stdout=io.StringIO())
    worker = User.objects.get(username="worker")
    assert event_selectors.debriefs_overdue(user=worker, mine=True).exists()
    assert Debrief.objects.count() == CoerciveMeasure.objects.count() > 0
    assert CaseConference.objects.filter(actions__isnull=False).exists()
    session = GroupSession.objects.first()
    assert Contact.objects.filter(group_session=session).count() >= 3
    assert not CaseConference.objects.filter(support_people__involvement="do_not_contact").exists()
