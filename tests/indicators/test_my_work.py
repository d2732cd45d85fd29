"""My work: every kind of item on the right day, done items leave, access, audit, queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from careplans import services as plan_services
from careplans.models import Action, PlanSignoff
from indicators.mywork import registry
from indicators.mywork import selectors as mywork
from indicators.mywork.registry import WorkItem, work_source
from outreach.caserecord import selectors as caserecord
from outreach.models import AuditEvent, CaseConference, FollowUpAction, Role
from outreach.visits.services import visit_log_contact, visit_mark_missed, visit_plan
from tests.careplans.factories import GoalFactory
from tests.factories import (
    ClientFactory,
    ContactFactory,
    TandemFactory,
    UserFactory,
    make_origin,
)
from tests.outreach.caserecord.factories import (
    AgencyRequestFactory,
    CoerciveMeasureFactory,
    HospitalStayFactory,
)

URL = "/indicators/my-work/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def settled(calm_client):
    """A client with nothing to do: seen yesterday, plan signed by both and agreed, assessed."""

    def make(name, *, tandem, **kwargs):
        client = calm_client(name, tandem=tandem, **kwargs)
        plan = client.episodes.get().careplan if kwargs.get("plan", True) else None
        if plan is not None:
            for member in (tandem.professional, tandem.peer):
                PlanSignoff.objects.create(careplan=plan, plan_version=plan.version, user=member)
        return client

    return make


def _work(user, *, tandems=None, own=True, today=None):
    tandems = tandems if tandems is not None else mywork.worker_tandems(user)
    return mywork.my_work(mywork.work_scope(user=user, tandems=tandems, own=own, today=today))


def _items(work, kind=None):
    return [
        (i.kind, i.client.family_name, group.key)
        for group in work.groups
        for i in group.items
        if kind is None or i.kind == kind
    ]


def test_url_is_named():
    assert reverse("indicators:my-work") == URL


def test_a_settled_client_gives_nothing_to_do(worker, tandem, settled):
    settled("Calm", tandem=tandem)
    assert _items(_work(worker)) == []


def test_a_plan_waits_for_my_signature_until_i_sign(worker, peer, tandem, settled, origin):
    client = settled("Sign", tandem=tandem)
    plan = client.episodes.get().careplan
    PlanSignoff.objects.filter(careplan=plan).delete()
    assert _items(_work(worker), "signature") == [("signature", "Sign", "today")]
    # The peer's signature is theirs to give; signing it does not take mine off.
    plan_services.careplan_sign(careplan=plan, user=peer, plan_version=plan.version, origin=origin)
    assert _items(_work(worker), "signature") == [("signature", "Sign", "today")]
    assert _items(_work(peer), "signature") == []
    plan_services.careplan_sign(
        careplan=plan, user=worker, plan_version=plan.version, origin=origin
    )
    assert _items(_work(worker), "signature") == []


def test_the_supervisor_sees_whose_signature_is_missing(supervisor, worker, peer, tandem, settled):
    client = settled("Sign", tandem=tandem)
    plan = client.episodes.get().careplan
    PlanSignoff.objects.filter(careplan=plan, user=worker).delete()
    work = _work(supervisor, tandems=[tandem], own=False)
    (item,) = [i for i in work.items if i.kind == "signature"]
    assert worker.get_full_name() in item.detail and peer.get_full_name() not in item.detail


def test_reviews_and_assessments_due(worker, tandem, settled):
    settled("Firstplan", tandem=tandem, plan=False, assessed=False)
    settled("Noassess", tandem=tandem, assessed=False, started_days_ago=20)
    items = _items(_work(worker))
    assert ("review", "Firstplan", "overdue") in items
    assert ("assessment", "Noassess", "overdue") in items
    assert ("assessment", "Firstplan", "today") in items  # 10 days late: due, not yet overdue


def test_a_debrief_shows_from_the_day_the_measure_is_recorded(worker, tandem, settled, noon):
    today_m = settled("Today", tandem=tandem)
    CoerciveMeasureFactory(client=today_m, started_at=noon(0))
    soon = settled("Soon", tandem=tandem)
    CoerciveMeasureFactory(client=soon, started_at=noon(10))
    late = settled("Late", tandem=tandem)
    measure = CoerciveMeasureFactory(client=late, started_at=noon(15))
    items = _items(_work(worker), "debrief")
    assert sorted(items) == [
        ("debrief", "Late", "overdue"),
        ("debrief", "Soon", "week"),
        ("debrief", "Today", "later"),
    ]
    measure.debriefed_on = measure.started_at.date() + timedelta(days=1)
    measure.save()
    assert ("debrief", "Late", "overdue") not in _items(_work(worker), "debrief")


def _action(client, *, who="tandem", staff=None, due_in=1, done=False, today):
    goal = GoalFactory(careplan=client.episodes.get().careplan)
    return Action.objects.create(
        goal=goal,
        what=f"Action {client.family_name}",
        who=who,
        staff=staff,
        agency="Агенция" if who == "agency" else "",
        due_on=today + timedelta(days=due_in),
        done_on=today if done else None,
    )


def test_plan_actions_with_me_or_my_tandem_as_who(worker, peer, tandem, settled, today):
    mine = settled("Mine", tandem=tandem)
    _action(mine, staff=worker, due_in=-2, today=today)
    partner = settled("Partner", tandem=tandem)
    _action(partner, staff=peer, due_in=3, today=today)
    settled_far = settled("Far", tandem=tandem)
    _action(settled_far, staff=worker, due_in=8, today=today)
    other = settled("Agency", tandem=tandem)
    _action(other, who="agency", due_in=0, today=today)
    done = settled("Done", tandem=tandem)
    _action(done, staff=worker, due_in=-1, done=True, today=today)
    # "Who" is the client, even if a worker's name was left on it.
    theirs = settled("Theirs", tandem=tandem)
    _action(theirs, who="client", staff=worker, due_in=0, today=today)
    assert sorted(_items(_work(worker), "action")) == [
        ("action", "Mine", "overdue"),
        ("action", "Partner", "week"),
    ]


def test_case_conference_follow_ups(worker, supervisor, tandem, settled, today):
    client = settled("Conf", tandem=tandem)
    conference = CaseConference.objects.create(client=client, held_on=today, decisions="План")
    mine = FollowUpAction.objects.create(
        conference=conference,
        action="Звъня на общината",
        owner="me",
        owner_user=worker,
        due_on=today,
    )
    FollowUpAction.objects.create(
        conference=conference, action="Agency writes", owner="Агенция", due_on=today
    )
    FollowUpAction.objects.create(
        conference=conference,
        action="Supervisor asks",
        owner="supervisor",
        owner_user=supervisor,
        due_on=today,
    )
    FollowUpAction.objects.create(
        conference=conference,
        action="Later",
        owner="me",
        owner_user=worker,
        due_on=today + timedelta(days=30),
    )
    assert sorted(i.title for i in _work(worker).items if i.kind == "followup") == [
        "Agency writes",
        "Звъня на общината",
    ]
    mine.done_on = today
    mine.save()
    assert [i.title for i in _work(worker).items if i.kind == "followup"] == ["Agency writes"]


def test_agency_requests_open_more_than_30_days(worker, tandem, settled, today):
    old = settled("Old", tandem=tandem)
    request = AgencyRequestFactory(client=old, sent_on=today - timedelta(days=31))
    young = settled("Young", tandem=tandem)
    AgencyRequestFactory(client=young, sent_on=today - timedelta(days=29))
    assert _items(_work(worker), "request") == [("request", "Old", "overdue")]
    request.responded_on = today
    request.save()
    assert _items(_work(worker), "request") == []


def test_clients_not_seen_for_14_days_count_new_clients_from_acceptance(worker, tandem, settled):
    settled("Seen13", tandem=tandem, seen_days_ago=13)
    settled("Seen14", tandem=tandem, seen_days_ago=14)
    settled("New13", tandem=tandem, seen_days_ago=None, started_days_ago=13)
    settled("New14", tandem=tandem, seen_days_ago=None, started_days_ago=14)
    assert sorted(_items(_work(worker), "not_seen")) == [
        ("not_seen", "New14", "overdue"),
        ("not_seen", "Seen14", "overdue"),
    ]


def test_a_discharge_puts_the_client_on_the_list_until_seen(worker, tandem, settled, today, noon):
    client = settled("Stay", tandem=tandem, seen_days_ago=2)
    stay = HospitalStayFactory(
        client=client, admitted_on=today - timedelta(days=6), discharged_on=None
    )
    assert _items(_work(worker), "discharge") == []
    stay.discharged_on = today
    stay.save()
    (item,) = [i for i in _work(worker).items if i.kind == "discharge"]
    assert (item.due_on, item.overdue, item.group(today)) == (
        today + timedelta(days=3),
        False,
        "today",
    )
    # A seen contact after the discharge is the follow-up; one before it is not.
    ContactFactory(client=client, author=worker, started_at=noon(0))
    assert _items(_work(worker), "discharge") == []


@pytest.mark.parametrize(
    ("days", "group", "overdue"),
    [
        (0, "today", False),
        (3, "today", False),
        (5, "today", False),
        (7, "today", False),
        (8, "overdue", True),
    ],
)
def test_discharge_follow_up_is_due_in_72_hours_and_overdue_after_7_days(
    days, group, overdue, worker, tandem, settled, today
):
    client = settled("Stay", tandem=tandem, seen_days_ago=days + 1)
    HospitalStayFactory(
        client=client,
        admitted_on=today - timedelta(days=days + 5),
        discharged_on=today - timedelta(days=days),
    )
    (item,) = [i for i in _work(worker).items if i.kind == "discharge"]
    assert (item.group(today), item.overdue) == (group, overdue)
    assert ("72 hours have passed" in item.detail) == (3 < days <= 7)


def test_a_stay_before_intake_or_of_a_discharged_client_is_not_followed_up(
    worker, tandem, settled, today
):
    # Never seen since acceptance 10 days ago: only the pre-intake flag keeps the stay off.
    client = settled("Baseline", tandem=tandem, seen_days_ago=None)
    HospitalStayFactory(
        client=client,
        admitted_on=today - timedelta(days=40),
        discharged_on=today - timedelta(days=30),
        pre_intake=True,
    )
    assert _items(_work(worker), "discharge") == []
    # A client whose episode has ended is no longer followed up, on the client page either.
    gone = settled("Gone", tandem=tandem, seen_days_ago=5)
    HospitalStayFactory(
        client=gone,
        admitted_on=today - timedelta(days=5),
        discharged_on=today - timedelta(days=1),
    )
    assert caserecord.discharge_followups_due(user=worker, today=today)[0].client == gone
    gone.episodes.update(ended_on=today, discharge_reason="goals_met")
    assert caserecord.discharge_followups_due(user=worker, today=today) == []


def test_actions_of_goals_achieved_or_dropped_are_not_due(worker, tandem, settled, today):
    client = settled("Goal", tandem=tandem)
    action = _action(client, staff=worker, due_in=0, today=today)
    assert len(_items(_work(worker), "action")) == 1
    action.goal.status = "achieved"
    action.goal.save()
    assert _items(_work(worker), "action") == []


def test_another_tandems_and_another_teams_work_is_not_mine(
    worker, tandem, second_tandem, settled, other_team, today
):
    settled("Theirs", tandem=second_tandem, seen_days_ago=20)
    elsewhere = TandemFactory(team=other_team)
    settled("Elsewhere", tandem=elsewhere, seen_days_ago=20)
    assert _items(_work(worker)) == []
    # Even handed the other team's tandem, the worker sees none of its clients.
    assert _items(_work(worker, tandems=[elsewhere])) == []


# --- The page --------------------------------------------------------------------------------


def test_the_worker_lands_on_my_work_after_login(client, worker):
    worker.set_password("pw-for-the-test")
    worker.save()
    response = client.post(
        "/accounts/login/",
        {"username": worker.username, "password": "pw-for-the-test"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL


def test_the_page_groups_items_and_links_to_where_they_are_done(
    client, worker, tandem, settled, noon
):
    late = settled("Late", tandem=tandem, seen_days_ago=20)
    measure = CoerciveMeasureFactory(client=late, started_at=noon(3))
    client.force_login(worker)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index('id="g-overdue"') < body.index('id="g-later"')
    assert f'href="{reverse("outreach:contact-create", args=[late.pk])}"' in body
    assert f'href="{reverse("outreach:debrief-update", args=[late.pk, measure.pk])}"' in body
    assert 'data-kind="not_seen"' in body and 'data-kind="debrief"' in body


def test_the_read_is_audited_once_per_client_shown(client, worker, tandem, settled):
    late = settled("Late", tandem=tandem, seen_days_ago=20)
    settled("Calm", tandem=tandem)
    client.force_login(worker)
    client.get(URL)
    events = AuditEvent.objects.filter(action="mywork.view", actor=worker)
    assert list(events.values_list("client_id", flat=True)) == [late.pk]


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin"])
def test_roles_without_a_caseload_get_404(role, client, users_by_role):
    client.force_login(users_by_role[role])
    assert client.get(URL).status_code == 404
    assert client.get(reverse("indicators:my-work-count")).status_code == 404


def test_a_worker_cannot_pick_a_tandem(client, worker, second_tandem):
    client.force_login(worker)
    assert client.get(URL, {"tandem": second_tandem.pk}).status_code == 404


def test_the_supervisor_picks_a_tandem(
    client, supervisor, tandem, second_tandem, settled, other_team
):
    settled("Mine", tandem=tandem, seen_days_ago=20)
    settled("Second", tandem=second_tandem, seen_days_ago=20)
    client.force_login(supervisor)
    everyone = client.get(URL)
    assert {i.client.family_name for i in everyone.context["work"].items} == {"Mine", "Second"}
    assert f'<option value="{second_tandem.pk}"' in everyone.content.decode()
    picked = client.get(URL, {"tandem": second_tandem.pk})
    assert {i.client.family_name for i in picked.context["work"].items} == {"Second"}
    elsewhere = TandemFactory(team=other_team)
    assert client.get(URL, {"tandem": elsewhere.pk}).status_code == 404
    assert client.get(URL, {"tandem": "x"}).status_code == 404


def test_the_menu_shows_the_counts_without_a_query_once_known(
    client, worker, tandem, settled, django_assert_num_queries
):
    settled("Late", tandem=tandem, seen_days_ago=20)
    client.force_login(worker)
    # Nothing known yet: the menu asks for the counts with htmx.
    first = client.get(reverse("outreach:caseload")).content.decode()
    assert f'hx-get="{reverse("indicators:my-work-count")}"' in first
    fragment = client.get(reverse("indicators:my-work-count")).content.decode()
    assert 'class="badge danger menu-count">1<' in fragment
    # Known now: the menu shows them, and reading them costs no query.
    page = client.get(reverse("outreach:caseload")).content.decode()
    assert "menu-count" in page and "hx-get" not in page.split("My work")[1].split("</li>")[0]
    from django.test import RequestFactory

    from indicators.context_processors import my_work_menu

    request = RequestFactory().get("/")
    request.user = worker
    with django_assert_num_queries(0):
        counts = my_work_menu(request)["my_work_menu"].counts
    assert (counts.total, counts.overdue) == (1, 1)


def test_a_write_makes_the_menu_counts_stale(client, worker, tandem, settled):
    client.force_login(worker)
    client.get(URL)
    assert "badge menu-count" not in client.get(URL).content.decode().split("</nav>")[0]
    late = settled("Late", tandem=tandem, seen_days_ago=20)
    assert (
        "hx-get" not in client.get(reverse("outreach:caseload")).content.decode().split("</nav>")[0]
    )
    # Any write request moves the generation on; the next page asks for fresh counts.
    client.post(reverse("outreach:contact-create", args=[late.pk]), {})
    nav = client.get(reverse("outreach:caseload")).content.decode().split("</nav>")[0]
    assert f'hx-get="{reverse("indicators:my-work-count")}"' in nav


def _many(n, tandem, settled, today, noon):
    """n clients, each with an item of every kind."""
    for i in range(n):
        c = settled(
            f"Many{i}", tandem=tandem, seen_days_ago=20, started_days_ago=100, risk_assessed=False
        )
        plan = c.episodes.get().careplan
        PlanSignoff.objects.filter(careplan=plan, user=tandem.professional).delete()
        CoerciveMeasureFactory(client=c, started_at=noon(3))
        AgencyRequestFactory(client=c, sent_on=today - timedelta(days=40))
        _action(c, staff=tandem.peer, due_in=1, today=today)
        conference = CaseConference.objects.create(client=c, held_on=today, decisions="x")
        FollowUpAction.objects.create(
            conference=conference,
            action="f",
            owner="me",
            owner_user=tandem.professional,
            due_on=today,
        )
        HospitalStayFactory(
            client=c,
            admitted_on=today - timedelta(days=12),
            discharged_on=today - timedelta(days=2),
        )
        visit_plan(
            client=c,
            actor=tandem.professional,
            planned_on=today + timedelta(days=1),
            planned_time=None,
            staff=[tandem.professional, tandem.peer],
            purpose="visit",
            origin=make_origin(),
        )


# session, user; the worker's tandems; plans to sign, their sign-offs; review clock: open
# episodes, plans, agreements, reviews; instruments in use, clients with their open episode,
# assessments done; pending debriefs; plan actions; follow-ups; open requests; caseload with
# last-seen figures; discharges not followed up; planned visits, their staff; carers' needs
# reviews; risk review clock: open episodes, reviews, crises, admissions; audit insert; session
# refresh (savepoint, update, release)
PAGE_QUERIES = 29


@pytest.mark.parametrize("n", [1, 12])
def test_query_count_does_not_grow_with_the_items(
    n, client, worker, tandem, settled, today, noon, django_assert_num_queries
):
    _many(n, tandem, settled, today, noon)
    client.force_login(worker)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL)
    kinds = {}
    for item in response.context["work"].items:
        kinds.setdefault(item.kind, 0)
        kinds[item.kind] += 1
    assert kinds == {
        k: n
        for k in (
            "signature",
            "review",
            "debrief",
            "action",
            "followup",
            "request",
            "not_seen",
            "discharge",
            "assessment",
            "visit",
            "risk_review",
        )
    }


# --- The registry ----------------------------------------------------------------------------


def test_a_new_kind_of_item_is_one_registered_source(worker, tandem, settled, monkeypatch):
    client = settled("Extra", tandem=tandem)
    monkeypatch.setattr(registry, "SOURCES", dict(registry.SOURCES))
    monkeypatch.setattr(mywork, "SOURCES", registry.SOURCES)

    @work_source("extra", "Extra")
    def extra(scope):
        yield WorkItem(kind="extra", client=client, title="Look", url="/", overdue=True)

    assert _items(_work(worker)) == [("extra", "Extra", "overdue")]
    with pytest.raises(ValueError, match="extra"):
        work_source("extra", "Again")(lambda scope: [])


def test_every_source_is_registered():
    assert set(registry.SOURCES) >= {
        "signature",
        "review",
        "assessment",
        "debrief",
        "action",
        "followup",
        "request",
        "not_seen",
        "discharge",
        "risk_review",
        "complaint",
    }


def test_a_supervisor_without_tandems_has_an_empty_list(client, team):
    lone = UserFactory(role=Role.SUPERVISOR, teams=[team])
    client.force_login(lone)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["work"].count == 0


def test_outsider_sees_nothing_of_the_team(client, outsider, tandem, settled):
    settled("Late", tandem=tandem, seen_days_ago=20)
    ClientFactory(team=tandem.team)
    client.force_login(outsider)
    response = client.get(URL)
    assert "Late" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="mywork.view", actor=outsider).exists()


def test_the_client_page_shows_the_discharge_follow_up(client, worker, tandem, settled, today):
    c = settled("Stay", tandem=tandem, seen_days_ago=3)
    HospitalStayFactory(client=c, admitted_on=today - timedelta(days=4), discharged_on=today)
    client.force_login(worker)
    body = client.get(c.get_absolute_url()).content.decode()
    assert 'data-due="discharge_followup"' in body and "within 72 hours" in body


def test_an_emergency_use_waits_on_the_supervisors_work_list_until_reviewed(
    client, supervisor, outsider, team_client, origin
):
    from outreach.emergency import services as emergency

    grant = emergency.emergency_access_grant(
        user=outsider,
        client=team_client,
        reason="Called at night by the police; the crisis plan is needed now.",
        origin=origin,
    )
    client.force_login(supervisor)
    review_url = reverse("outreach:emergency-review", args=[grant.pk])
    body = client.get(URL).content.decode()
    assert "Review the emergency access by" in body and review_url in body
    emergency.emergency_access_review(
        grant=grant, reviewer=supervisor, outcome="accepted", comment="", origin=origin
    )
    assert review_url not in client.get(URL).content.decode()


# --- Planned visits --------------------------------------------------------------------------


def test_planned_visits_show_until_logged_or_missed(worker, peer, tandem, settled, today):
    a = settled("Alpha", tandem=tandem)
    b = settled("Beta", tandem=tandem)
    c = settled("Gamma", tandem=tandem)
    origin = make_origin()

    def plan(client, days):
        return visit_plan(
            client=client,
            actor=worker,
            planned_on=today + timedelta(days=days),
            planned_time=None,
            staff=[peer],
            purpose="Bring the form",
            origin=origin,
            today=today - timedelta(days=5),
        )

    visits = {"Alpha": plan(a, 0), "Beta": plan(b, 3), "Gamma": plan(c, 20)}
    items = _items(_work(worker), "visit")
    # Today's and this week's; the one three weeks ahead waits.
    assert sorted(items) == [("visit", "Alpha", "today"), ("visit", "Beta", "week")]
    item = next(i for i in _work(worker).items if i.kind == "visit" and i.client == a)
    assert item.url == reverse("outreach:visit-contact", args=[visits["Alpha"].pk])
    assert peer.get_full_name() in item.detail
    visit_log_contact(
        visit=visits["Alpha"],
        author=worker,
        origin=origin,
        started_at=timezone.now() - timedelta(minutes=1),
        duration_minutes=30,
        mode="face_to_face",
        outcome="met",
    )
    visit_mark_missed(visit=visits["Beta"], actor=worker, reason="Away", origin=origin)
    assert _items(_work(worker), "visit") == []


def test_a_past_visit_not_closed_is_overdue(worker, peer, tandem, settled, today):
    a = settled("Alpha", tandem=tandem)
    visit_plan(
        client=a,
        actor=worker,
        planned_on=today,
        planned_time=None,
        staff=[peer],
        purpose="x",
        origin=make_origin(),
    )
    assert _items(_work(worker, today=today + timedelta(days=1)), "visit") == [
        ("visit", "Alpha", "overdue")
    ]


def test_another_tandems_visits_are_not_mine(worker, team, settled, today):
    other = TandemFactory(team=team)
    c = settled("Other", tandem=other)
    visit_plan(
        client=c,
        actor=other.professional,
        planned_on=today,
        planned_time=None,
        staff=[other.peer],
        purpose="x",
        origin=make_origin(),
    )
    assert _items(_work(worker), "visit") == []
