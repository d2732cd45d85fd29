"""The living situation over time: dated statuses, intake against now, the client's fields kept."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach import services as core_services
from outreach.models import AuditEvent, Client, LivingStatus
from outreach.social import selectors, services
from tests import db_state
from tests.factories import ClientFactory, EpisodeFactory
from tests.outreach.social.factories import LivingStatusFactory


@pytest.fixture
def today():
    return timezone.localdate()


def _url(client_obj, domain="housing"):
    return reverse("outreach:livingstatus-create", args=[client_obj.pk, domain])


# --- services ---------------------------------------------------------------------------------


def test_recording_a_status_keeps_the_clients_current_value(worker, team_client, origin, today):
    entry = services.living_status_record(
        client=team_client,
        actor=worker,
        domain="housing",
        status="rented",
        since=today,
        origin=origin,
    )
    team_client.refresh_from_db()
    assert team_client.housing == "rented"
    event = AuditEvent.objects.get(action="livingstatus.create", object_id=str(entry.pk))
    assert event.client_id == team_client.pk
    assert event.detail["current"] == {"housing": {"from": "unknown", "to": "rented"}}


def test_an_older_status_fills_in_the_history_and_leaves_the_current_value(
    worker, team_client, origin, today
):
    services.living_status_record(
        client=team_client,
        actor=worker,
        domain="housing",
        status="rented",
        since=today,
        origin=origin,
    )
    services.living_status_record(
        client=team_client,
        actor=worker,
        domain="housing",
        status="street",
        since=today - timedelta(days=200),
        origin=origin,
    )
    team_client.refresh_from_db()
    assert team_client.housing == "rented"
    assert LivingStatus.objects.filter(client=team_client).count() == 2


def test_a_status_of_another_domain_is_refused_and_nothing_is_written(
    worker, team_client, origin, today
):
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.living_status_record(
            client=team_client,
            actor=worker,
            domain="gp",
            status="rented",
            since=today,
            origin=origin,
        )
    assert exc.value.error_dict["status"][0].code == "status_not_of_domain"


def test_a_status_in_the_future_is_refused(worker, team_client, origin, today):
    with pytest.raises(ValidationError):
        services.living_status_record(
            client=team_client,
            actor=worker,
            domain="gp",
            status="registered",
            since=today + timedelta(days=1),
            origin=origin,
        )
    assert not LivingStatus.objects.exists()


def test_two_statuses_of_a_domain_on_one_day_are_refused(worker, team_client, origin, today):
    kwargs = dict(client=team_client, actor=worker, domain="gp", since=today, origin=origin)
    services.living_status_record(status="registered", **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.living_status_record(status="none", **kwargs)
    assert exc.value.error_dict["since"][0].code == "living_status_same_day"


def test_editing_the_clients_details_adds_to_the_history(worker, team_client, origin, today):
    core_services.client_update(client=team_client, actor=worker, origin=origin, income="benefits")
    entry = LivingStatus.objects.get(client=team_client)
    assert (entry.domain, entry.status, entry.since) == ("income", "benefits", today)
    # Changed again the same day: the day's status is corrected, not doubled.
    core_services.client_update(client=team_client, actor=worker, origin=origin, income="work")
    assert list(LivingStatus.objects.values_list("status", flat=True)) == ["work"]


def test_a_new_record_starts_its_history_with_what_is_known(worker, team, origin, today):
    c = core_services.client_create(
        actor=worker, team=team, origin=origin, given_name="Ana", housing="shelter"
    )
    assert list(LivingStatus.objects.filter(client=c).values_list("domain", "status")) == [
        ("housing", "shelter")
    ]


# --- intake against now ------------------------------------------------------------------------


def test_intake_is_the_status_in_force_on_the_intake_day(worker, team_client, today):
    intake = team_client.episodes.get().started_on
    LivingStatusFactory(client=team_client, status="street", since=intake - timedelta(days=40))
    LivingStatusFactory(client=team_client, status="shelter", since=intake)
    LivingStatusFactory(client=team_client, status="rented", since=today)
    situation = selectors.living_situation(user=worker, client=team_client, intake_on=intake)
    row = next(r for r in situation.rows if r.domain == "housing")
    assert (row.at_intake.status, row.now.status, row.changed) == ("shelter", "rented", True)


def test_a_status_recorded_soon_after_intake_counts_as_at_intake(worker, team_client):
    intake = team_client.episodes.get().started_on
    LivingStatusFactory(client=team_client, status="shelter", since=intake + timedelta(days=30))
    situation = selectors.living_situation(user=worker, client=team_client, intake_on=intake)
    assert next(r for r in situation.rows if r.domain == "housing").at_intake.status == "shelter"
    LivingStatus.objects.update(since=intake + timedelta(days=31))
    situation = selectors.living_situation(user=worker, client=team_client, intake_on=intake)
    assert next(r for r in situation.rows if r.domain == "housing").at_intake is None


def test_in_engagement_there_is_no_intake_column_value(worker, team, today):
    c = ClientFactory(team=team)
    LivingStatusFactory(client=c, since=today)
    situation = selectors.living_situation(user=worker, client=c, intake_on=None)
    assert all(r.at_intake is None for r in situation.rows)


# --- pages ------------------------------------------------------------------------------------


def test_the_client_page_shows_intake_against_now(client, worker, team_client, today):
    intake = team_client.episodes.get().started_on
    LivingStatusFactory(client=team_client, status="street", since=intake)
    LivingStatusFactory(client=team_client, status="rented", since=today)
    client.force_login(worker)
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert 'id="living-h"' in body
    assert "Homeless (street)" in body and "Rented home" in body
    # In the timeline too.
    assert body.count('class="event-living"') == 2


def test_a_worker_records_a_status_from_the_page(client, worker, team_client, today):
    client.force_login(worker)
    assert client.get(_url(team_client, "insurance")).status_code == 200
    response = client.post(
        _url(team_client, "insurance"), {"status": "insured", "since": today.isoformat()}
    )
    assert response.status_code == 302
    assert LivingStatus.objects.get().status == "insured"


def test_a_bad_status_on_the_page_gets_a_message(client, worker, team_client, today):
    client.force_login(worker)
    response = client.post(_url(team_client, "gp"), {"status": "rented", "since": ""})
    assert response.status_code == 400
    assert not LivingStatus.objects.exists()


def test_an_unknown_domain_is_404(client, worker, team_client):
    client.force_login(worker)
    assert client.get(_url(team_client, "horoscope")).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "partner"])
def test_other_team_and_partner_get_404_and_write_nothing(
    client, users_by_role, team_client, today, who
):
    client.force_login(users_by_role[who])
    with db_state.unchanged():
        assert client.get(_url(team_client)).status_code == 404
        assert (
            client.post(
                _url(team_client), {"status": "own", "since": today.isoformat()}
            ).status_code
            == 404
        )
        url = reverse("outreach:living-situation", args=[team_client.pk])
        assert client.get(url).status_code == 404


def test_history_page_lists_every_status_and_is_audited(client, worker, team_client, today):
    for days in (1, 2, 3):
        LivingStatusFactory(client=team_client, since=today - timedelta(days=days))
    client.force_login(worker)
    url = reverse("outreach:living-situation", args=[team_client.pk])
    response = client.get(url)
    assert len(response.context["living"].history) == 3
    assert AuditEvent.objects.filter(action="client.living_view", client=team_client).exists()


@pytest.mark.parametrize("n", [1, 20])
def test_history_page_queries_do_not_grow(
    client, worker, team_client, today, n, django_assert_num_queries
):
    for days in range(n):
        LivingStatusFactory(
            client=team_client, since=today - timedelta(days=days), domain="work", status="none"
        )
    client.force_login(worker)
    url = reverse("outreach:living-situation", args=[team_client.pk])
    client.get(url)
    # session, user, client (+ team, tandem and the own-team flag), audit insert, episodes,
    # statuses (+ recorded_by), session save (savepoint, update, release)
    with django_assert_num_queries(9):
        client.get(url)


# --- API --------------------------------------------------------------------------------------


def test_api_create_read_list_and_other_team(client, worker, outsider, team_client, today):
    client.force_login(worker)
    payload = {
        "client": team_client.pk,
        "domain": "work",
        "status": "paid",
        "since": today.isoformat(),
    }
    response = client.post("/api/v1/living-statuses/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get(f"/api/v1/living-statuses/{pk}/").json()["status"] == "paid"
    assert AuditEvent.objects.filter(action="livingstatus.view", client=team_client).exists()
    assert len(client.get("/api/v1/living-statuses/").json()["results"]) == 1
    bad = dict(payload, status="rented", since=(today - timedelta(days=1)).isoformat())
    assert (
        client.post("/api/v1/living-statuses/", bad, content_type="application/json").status_code
        == 400
    )
    client.force_login(outsider)
    assert (
        client.post(
            "/api/v1/living-statuses/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/living-statuses/{pk}/").status_code == 404
    assert len(client.get("/api/v1/living-statuses/").json()["results"]) == 0
    assert LivingStatus.objects.count() == 1


# --- the data migration -----------------------------------------------------------------------


def test_the_data_migration_makes_the_current_values_the_first_entry(team, today):
    from django.apps import apps

    migrated = ClientFactory(team=team, housing="shelter", income="benefits", documents="unknown")
    EpisodeFactory(client=migrated, started_on=today - timedelta(days=100))
    engaged = ClientFactory(team=team, documents="expired")
    module = importlib.import_module("outreach.migrations.0019_living_situation_from_client_fields")
    module.forwards(apps, None)
    rows = set(LivingStatus.objects.values_list("client_id", "domain", "status", "since"))
    assert rows == {
        (migrated.pk, "housing", "shelter", today - timedelta(days=100)),
        (migrated.pk, "income", "benefits", today - timedelta(days=100)),
        (engaged.pk, "documents", "expired", Client.objects.get(pk=engaged.pk).created_at.date()),
    }
    module.backwards(apps, None)
    assert not LivingStatus.objects.exists()
