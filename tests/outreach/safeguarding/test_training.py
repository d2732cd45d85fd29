"""Staff training and supervision of a team, and the share trained in rights-based approaches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Role, SupervisionSession, Training
from outreach.safeguarding import selectors, services
from tests.factories import UserFactory


@pytest.fixture
def url():
    def f(name, team, *args):
        return reverse(f"outreach:{name}", args=[team.pk, *args])

    return f


def _training(team, author, *, kind="who_qualityrights", days_ago=30, people=()):
    training = Training.objects.create(
        team=team,
        kind=kind,
        title=f"{kind} course",
        held_on=timezone.localdate() - timedelta(days=days_ago),
        author=author,
    )
    training.attendees.set(people)
    return training


def test_a_worker_records_a_training_and_the_team_page_shows_the_share(
    client, worker, peer, supervisor, team, url
):
    client.force_login(worker)
    data = {
        "kind": "who_qualityrights",
        "title": "QualityRights: legal capacity",
        "held_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "hours": "6",
        "provider": "WHO QualityRights e-training",
        "attendees": [worker.pk, peer.pk],
    }
    response = client.post(url("training-create", team), data)
    assert response.status_code == 302
    training = Training.objects.get()
    assert set(training.attendees.all()) == {worker, peer} and training.author == worker
    assert AuditEvent.objects.filter(action="training.create", detail__attendees=2).exists()
    page = client.get(url("team-training", team)).content.decode()
    assert "QualityRights: legal capacity" in page
    # worker, peer and supervisor are the team's staff: two of three trained
    assert "2 of 3 (67%)" in page.split("data-trained-share>")[1]
    client.force_login(supervisor)
    caseload = client.get(reverse("outreach:team-caseload")).content.decode()
    assert "2 of 3 (67%)" in caseload and url("team-training", team) in caseload


def test_a_training_is_corrected_and_the_change_audited(client, worker, peer, team, url):
    training = _training(team, worker, people=[worker])
    client.force_login(worker)
    data = {
        "kind": "recovery",
        "title": "Recovery colleges",
        "held_on": training.held_on.isoformat(),
        "attendees": [worker.pk, peer.pk],
    }
    assert client.post(url("training-update", team, training.pk), data).status_code == 302
    training.refresh_from_db()
    assert training.kind == "recovery" and training.attendees.count() == 2
    event = AuditEvent.objects.get(action="training.update")
    assert event.detail["changes"]["attendees"]["new"] == sorted([worker.pk, peer.pk])


def test_supervision_session(client, worker, peer, team, url):
    client.force_login(worker)
    data = {
        "kind": "group",
        "held_on": timezone.localdate().isoformat(),
        "supervisor_name": "Dr. Petrova (external)",
        "attendees": [worker.pk, peer.pk],
        "topics": "Working with families who refuse contact",
    }
    assert client.post(url("supervisionsession-create", team), data).status_code == 302
    assert SupervisionSession.objects.get().attendees.count() == 2
    assert AuditEvent.objects.filter(action="supervisionsession.create").exists()
    page = client.get(url("team-training", team)).content.decode()
    assert "Dr. Petrova (external)" in page


def test_bad_input_is_refused(client, worker, team, other_team, url):
    stranger = UserFactory(teams=[other_team])
    client.force_login(worker)
    base = {"kind": "other", "title": "x", "held_on": timezone.localdate().isoformat()}
    assert client.post(url("training-create", team), base).status_code == 400  # nobody attended
    response = client.post(url("training-create", team), {**base, "attendees": [stranger.pk]})
    assert response.status_code == 400
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        url("training-create", team), {**base, "held_on": future, "attendees": [worker.pk]}
    )
    assert response.status_code == 400
    assert not Training.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_partners_get_404(role, client, users_by_role, team, worker, url):
    training = _training(team, worker, people=[worker])
    client.force_login(users_by_role[role])
    for name, args in [
        ("team-training", ()),
        ("training-create", ()),
        ("training-update", (training.pk,)),
        ("supervisionsession-create", ()),
    ]:
        assert client.get(url(name, team, *args)).status_code == 404
        if name != "team-training":
            assert client.post(url(name, team, *args), {"title": "x"}).status_code == 404
    assert Training.objects.get().title == "who_qualityrights course"


def test_team_training_page_queries_do_not_grow(
    client, worker, peer, team, url, django_assert_num_queries
):
    client.force_login(worker)

    def count():
        # session, user, team, trainings, their attendees, sessions, their attendees, the
        # share trained, can record (membership); session refresh (savepoint, update, release)
        with django_assert_num_queries(12):
            assert client.get(url("team-training", team)).status_code == 200

    _training(team, worker, people=[worker])
    SupervisionSession.objects.create(
        team=team, held_on=timezone.localdate(), supervisor_name="S", author=worker
    ).attendees.set([worker])
    count()
    for _ in range(5):
        _training(team, worker, people=[worker, peer])
    count()


# --- The share and the services ----------------------------------------------------------------


def test_the_share_counts_active_staff_trained_rights_based_within_two_years(
    worker, peer, supervisor, team
):
    gone = UserFactory(role=Role.PEER, teams=[team], is_active=False)
    _training(team, worker, kind="recovery", people=[worker])  # not rights-based
    _training(team, worker, days_ago=800, people=[peer])  # more than two years ago
    _training(team, worker, kind="rights_based", days_ago=700, people=[supervisor, gone])
    share = selectors.rights_trained_share(team=team)
    assert (share.trained, share.staff, share.percent) == (1, 3, 33)
    _training(team, worker, people=[worker, peer])
    assert selectors.rights_trained_share(team=team).trained == 3


def test_services_refuse_outsiders_and_staff_of_other_teams(team, worker, outsider, origin):
    training = Training(kind="other", title="x", held_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.training_save(
            team=team, actor=outsider, training=training, attendees=[outsider], origin=origin
        )
    with pytest.raises(ValidationError):
        services.training_save(
            team=team, actor=worker, training=training, attendees=[outsider], origin=origin
        )
    assert not Training.objects.exists()


# --- API -------------------------------------------------------------------------------------


def test_api_trainings_and_sessions(api, team, worker, peer, client, outsider):
    body = {
        "team": team.pk,
        "kind": "who_qualityrights",
        "title": "QualityRights module 2",
        "held_on": timezone.localdate().isoformat(),
        "attendees": [worker.pk, peer.pk],
    }
    response = api.post("/api/v1/trainings/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert sorted(api.get(f"/api/v1/trainings/{pk}/").json()["attendees"]) == sorted(
        [worker.pk, peer.pk]
    )
    session = {
        "team": team.pk,
        "held_on": timezone.localdate().isoformat(),
        "supervisor_name": "Dr. Petrova",
        "attendees": [worker.pk],
    }
    response = api.post("/api/v1/supervision-sessions/", session, content_type="application/json")
    assert response.status_code == 201, response.content
    client.force_login(outsider)
    assert client.get(f"/api/v1/trainings/{pk}/").status_code == 404
    assert client.get("/api/v1/trainings/").json()["results"] == []
    response = client.post("/api/v1/trainings/", body, content_type="application/json")
    assert response.status_code == 404
    assert Training.objects.count() == 1 and SupervisionSession.objects.count() == 1


def test_api_training_list_queries_do_not_grow(api, team, worker, django_assert_num_queries):
    def count():
        # session, user; the page (a cursor: no count), attendees; session refresh (savepoint,
        # update, release)
        with django_assert_num_queries(7):
            assert api.get("/api/v1/trainings/").status_code == 200

    _training(team, worker, people=[worker])
    count()
    for _ in range(4):
        _training(team, worker, people=[worker])
    count()
