from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import Action
from outreach.models import AuditEvent, SupportPerson
from outreach.visits.services import visit_plan
from tests.careplans.factories import GoalFactory
from tests.caseload_fixtures import calm_client, noon, today
from tests.factories import ConsentFactory, ContactFactory, SupportPersonFactory, make_origin
from tests.outreach.caserecord.factories import CrisisFactory

__all__ = ["calm_client", "noon", "today"]  # fixtures used here


def test_client_page_shows_alerts_timeline_network_and_consents(client, worker, team_client):
    team_client.interpreter_needed = True
    team_client.interpreter_language = "Romani"
    team_client.save()
    SupportPersonFactory(
        client=team_client, name="Petar Ex", involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    SupportPersonFactory(client=team_client, name="Elena Sister")
    ConsentFactory(client=team_client, recipient="GP Dr. Petrova")
    ContactFactory(
        client=team_client,
        note="Talked about housing",
        started_at=timezone.now() - timedelta(hours=3),
    )
    client.force_login(worker)
    response = client.get(team_client.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Do not contact: Petar Ex" in body
    assert "Needs an interpreter: Romani" in body
    assert "Talked about housing" in body
    assert "Elena Sister" in body
    assert "GP Dr. Petrova" in body


def test_client_read_is_audited(client, worker, team_client):
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    event = AuditEvent.objects.get(action="client.view", client=team_client)
    assert event.actor == worker
    assert event.actor_role == "professional"
    assert event.object_type == "outreach.client"
    assert event.path == team_client.get_absolute_url()
    assert event.ip_address == "127.0.0.1"


def test_outsider_gets_404(client, outsider, team_client):
    client.force_login(outsider)
    assert client.get(team_client.get_absolute_url()).status_code == 404
    assert not AuditEvent.objects.filter(client=team_client).exists()


def test_supervisor_sees_the_audit_trail_worker_does_not(client, supervisor, worker, team_client):
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    assert client.get(f"/clients/{team_client.pk}/audit/").status_code == 404
    client.force_login(supervisor)
    response = client.get(f"/clients/{team_client.pk}/audit/")
    assert response.status_code == 200
    assert worker.username in response.content.decode()


def _full_record(client_, worker, *, contacts, events, goals):
    """A record with `contacts` contacts, `events` crises and `goals` goals, each with an
    action, a support network, a consent and a planned visit."""
    for i in range(contacts):
        c = ContactFactory(
            client=client_, author=worker, started_at=timezone.now() - timedelta(days=i + 1)
        )
        c.staff.set([worker])
    for i in range(events):
        CrisisFactory(
            client=client_, reported_at=timezone.now() - timedelta(days=i * 2 + 1, hours=3)
        )
    plan = client_.episodes.get().careplan
    for i in range(goals):
        goal = GoalFactory(careplan=plan, in_their_words=f"Goal {i}")
        Action.objects.create(
            goal=goal,
            what=f"Step {i}",
            who="tandem",
            staff=worker,
            due_on=timezone.localdate() + timedelta(days=i),
        )
    SupportPersonFactory(client=client_)
    ConsentFactory(client=client_)
    visit_plan(
        client=client_,
        actor=worker,
        planned_on=timezone.localdate(),
        planned_time=None,
        staff=[worker],
        purpose="Check in",
        origin=make_origin(),
    )


# session, user, client (+team, tandem and its two members), audit insert; the events of the
# case record (one query per kind of event and per prefetch, the open episode, the discharge
# not followed up); the timeline page (contact keys, the page's contacts, their staff and
# interventions); episodes, living-situation statuses, carers, spending, support people, last seen contact, next planned visit; what is
# due (the My work sources for this client: tandem scope, signatures, reviews, assessments,
# debriefs, actions, follow-ups, requests, caseload, discharges, visits and their staff);
# the care plan (plan and its prefetches, goals with their open actions); consents; risk and
# rights (risk versions, the risk review clock: open episodes, reviews, crises, admissions;
# supported decisions, guardianship statuses, complaints); session
# save (savepoint, update, release)
CLIENT_PAGE_QUERIES = 70


@pytest.mark.parametrize(("contacts", "events", "goals"), [(1, 1, 1), (50, 12, 6)])
def test_client_page_queries_do_not_grow(
    client, worker, tandem, calm_client, contacts, events, goals, django_assert_num_queries
):
    team_client = calm_client("Ivanova", tandem=tandem, seen_days_ago=None)
    _full_record(team_client, worker, contacts=contacts, events=events, goals=goals)
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    with django_assert_num_queries(CLIENT_PAGE_QUERIES):
        response = client.get(team_client.get_absolute_url())
    # the settled client's risk assessment is one more entry of the timeline
    assert len(response.context["timeline"]) == min(contacts + events + 1, 20)
    if contacts + events > 20:
        # A later page costs the same (an empty page reads no contacts).
        with django_assert_num_queries(CLIENT_PAGE_QUERIES):
            response = client.get(team_client.get_absolute_url() + "?page=2")
        assert len(response.context["timeline"]) == min(contacts + events + 1 - 20, 20)


def test_the_timeline_comes_in_pages_of_20_without_gaps(client, worker, team_client):
    for i in range(30):
        ContactFactory(
            client=team_client,
            note=f"note-{i:02d}",
            started_at=timezone.now() - timedelta(days=i + 1),
        )
    CrisisFactory(client=team_client, reported_at=timezone.now() - timedelta(days=10, hours=1))
    client.force_login(worker)
    url = team_client.get_absolute_url()
    first = client.get(url)
    seen = [e.obj.note if e.kind == "contact" else "crisis" for e in first.context["timeline"]]
    assert len(seen) == 20 and first.context["page"].has_more
    assert seen[:10] == [f"note-{i:02d}" for i in range(10)] and seen[10] == "crisis"
    body = first.content.decode()
    assert 'href="?page=2#timeline-h"' in body and "hx-get=" in body
    # htmx asks for the next page: only its entries and the next "Show more" (none here).
    more = client.get(url + "?page=2", HTTP_HX_REQUEST="true")
    assert more.templates[0].name == "outreach/_timeline_page.html"
    notes = [e.obj.note for e in more.context["timeline"]]
    assert notes == [f"note-{i:02d}" for i in range(19, 30)]
    assert not more.context["page"].has_more
    assert "Show more" not in more.content.decode()
    # Without JS, ?page=2 is the whole page with the second page of the timeline.
    plain = client.get(url + "?page=2")
    assert "Newer entries" in plain.content.decode()
    assert AuditEvent.objects.filter(action="client.view", client=team_client).count() == 3


def test_the_first_screen_shows_alerts_due_plan_last_seen_and_key_people(
    client, worker, tandem, calm_client
):
    team_client = calm_client("Ivanova", tandem=tandem, seen_days_ago=3)
    SupportPersonFactory(client=team_client, name="Elena Sister", phone="+359 888 000 111")
    SupportPersonFactory(
        client=team_client, name="Petar Ex", involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    CrisisFactory(client=team_client, reported_at=timezone.now() - timedelta(days=5))
    plan = team_client.episodes.get().careplan
    goal = GoalFactory(careplan=plan, in_their_words="A room of my own")
    Action.objects.create(
        goal=goal,
        what="Visit the housing office",
        who="tandem",
        staff=worker,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(worker)
    response = client.get(team_client.get_absolute_url())
    body = response.content.decode()
    timeline_at = body.index('id="timeline-h"')
    for text in (
        "Do not contact: Petar Ex",
        'data-risk="crisis"',
        "Due for this client",
        "Visit the housing office",  # the overdue plan action, due and as the goal's next step
        "A room of my own",
        "Last seen",
        "Elena Sister",
    ):
        assert -1 < body.index(text) < timeline_at, text
    # A do-not-contact person is never among the key people.
    key_people = body[body.index('class="key-people"') : timeline_at]
    assert "Petar Ex" not in key_people
    # The plan card is in the page itself, not loaded later.
    assert f"careplans/clients/{team_client.pk}/summary/" not in body
    assert 'id="careplan-summary"' in body[:timeline_at]
