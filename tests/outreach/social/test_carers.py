"""Carers: a support person who cares, their involvement, their needs review (due), their burden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.mywork import sources  # noqa: F401  (registers the sources)
from indicators.mywork.registry import SOURCES
from outreach.models import AuditEvent, Carer, CarerNeedsReview, SupportPerson
from outreach.social import selectors, services
from tests import db_state
from tests.factories import SupportPersonFactory
from tests.outreach.social.factories import CarerFactory, CarerNeedsReviewFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def mother(team_client):
    return SupportPersonFactory(client=team_client, name="Elena", relation="family")


def _carer_data(person, **extra):
    return {"support_person": person.pk, "kind": "practical", "frequency": "daily", **extra}


# --- services ---------------------------------------------------------------------------------


def test_a_support_person_becomes_a_carer_audited(worker, team_client, mother, origin):
    carer = services.carer_save(
        client=team_client,
        actor=worker,
        carer=Carer(support_person=mother, kind="emotional", frequency="weekly"),
        origin=origin,
    )
    assert carer.client == team_client and carer.recorded_by == worker
    assert AuditEvent.objects.filter(action="carer.create", client=team_client).count() == 1


def test_a_do_not_contact_person_cannot_be_a_carer(worker, team_client, origin):
    person = SupportPersonFactory(
        client=team_client, involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.carer_save(
            client=team_client,
            actor=worker,
            carer=Carer(support_person=person, kind="emotional", frequency="weekly"),
            origin=origin,
        )
    assert exc.value.error_dict["support_person"][0].code == "carer_do_not_contact"


def test_another_clients_person_cannot_be_this_clients_carer(worker, team_client, team, origin):
    from tests.factories import ClientFactory

    other = SupportPersonFactory(client=ClientFactory(team=team))
    with pytest.raises(ValidationError) as exc:
        services.carer_save(
            client=team_client,
            actor=worker,
            carer=Carer(support_person=other, kind="emotional", frequency="weekly"),
            origin=origin,
        )
    assert exc.value.error_dict["support_person"][0].code == "other_client"


def test_one_person_is_one_carer(worker, team_client, mother, origin):
    kwargs = dict(client=team_client, actor=worker, origin=origin)
    services.carer_save(
        carer=Carer(support_person=mother, kind="emotional", frequency="weekly"), **kwargs
    )
    with pytest.raises(ValidationError) as exc:
        services.carer_save(
            carer=Carer(support_person=mother, kind="practical", frequency="daily"), **kwargs
        )
    assert exc.value.error_dict["support_person"][0].code == "carer_twice"


def test_a_needs_review_is_recorded_and_audited(worker, team_client, origin, today):
    carer = CarerFactory(client=team_client)
    review = services.carer_review_record(
        carer=carer, actor=worker, reviewed_on=today, needs="Sleep", origin=origin
    )
    assert review.reviewed_by == worker
    assert AuditEvent.objects.filter(action="carerneedsreview.create", client=team_client).exists()


def test_a_review_in_the_future_is_refused(worker, team_client, origin, today):
    carer = CarerFactory(client=team_client)
    with pytest.raises(ValidationError):
        services.carer_review_record(
            carer=carer,
            actor=worker,
            reviewed_on=today + timedelta(days=1),
            needs="Sleep",
            origin=origin,
        )
    assert not CarerNeedsReview.objects.exists()


# --- the due rule ------------------------------------------------------------------------------


def test_first_review_is_due_a_month_after_the_carer_is_recorded(worker, team_client, today):
    carer = CarerFactory(client=team_client)
    (due,) = selectors.carer_reviews_due(user=worker, today=today)
    assert due.due_on == today + timedelta(days=Carer.FIRST_REVIEW_DAYS)
    assert not due.overdue
    Carer.objects.filter(pk=carer.pk).update(recorded_on=today - timedelta(days=31))
    (due,) = selectors.carer_reviews_due(user=worker, today=today)
    assert due.overdue


def test_after_a_review_the_next_is_due_a_year_later(worker, team_client, today):
    carer = CarerFactory(client=team_client)
    CarerNeedsReviewFactory(carer=carer, reviewed_on=today - timedelta(days=10), reviewed_by=worker)
    (due,) = selectors.carer_reviews_due(user=worker, today=today)
    assert due.due_on == today - timedelta(days=10) + timedelta(days=Carer.REVIEW_INTERVAL_DAYS)
    # Not within this week: not on My work.
    assert selectors.carer_reviews_due(user=worker, today=today, until=today + timedelta(7)) == []


def test_a_do_not_contact_carer_is_not_due(worker, team_client, today):
    carer = CarerFactory(client=team_client)
    SupportPerson.objects.filter(pk=carer.support_person_id).update(
        involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    assert selectors.carer_reviews_due(user=worker, today=today) == []


def test_other_teams_carers_are_not_due_for_the_worker(outsider, team_client, today):
    CarerFactory(client=team_client)
    assert selectors.carer_reviews_due(user=outsider, today=today) == []


def test_an_overdue_review_is_on_my_work(client, worker, team_client, today):
    carer = CarerFactory(client=team_client)
    Carer.objects.filter(pk=carer.pk).update(recorded_on=today - timedelta(days=40))
    assert "carer_review" in SOURCES
    client.force_login(worker)
    body = client.get(reverse("indicators:my-work")).content.decode()
    assert reverse("outreach:carerreview-create", args=[team_client.pk, carer.pk]) in body
    assert carer.support_person.name in body


# --- pages ------------------------------------------------------------------------------------


def test_a_worker_records_a_carer_and_a_review_from_the_page(
    client, worker, team_client, mother, today
):
    client.force_login(worker)
    url = reverse("outreach:carer-create", args=[team_client.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _carer_data(mother)).status_code == 302
    carer = Carer.objects.get()
    url = reverse("outreach:carerreview-create", args=[team_client.pk, carer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reviewed_on": today.isoformat(), "needs": "A break"})
    assert response.status_code == 302
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert 'id="carers-h"' in body and "Elena" in body
    assert 'class="event-carer_review"' in body


def test_the_carer_form_does_not_offer_a_do_not_contact_person(client, worker, team_client):
    SupportPersonFactory(
        client=team_client, name="Kaloyan", involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    client.force_login(worker)
    body = client.get(reverse("outreach:carer-create", args=[team_client.pk])).content.decode()
    assert "Kaloyan" not in body


def test_a_carer_without_a_person_gets_a_message(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:carer-create", args=[team_client.pk])
    response = client.post(url, {"kind": "practical", "frequency": "daily"})
    assert response.status_code == 400
    assert not Carer.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "partner"])
def test_other_team_and_partner_get_404(client, users_by_role, team_client, mother, today, who):
    carer = CarerFactory(client=team_client)
    client.force_login(users_by_role[who])
    with db_state.unchanged():
        for url, data in [
            (reverse("outreach:carer-create", args=[team_client.pk]), _carer_data(mother)),
            (
                reverse("outreach:carer-update", args=[team_client.pk, carer.pk]),
                _carer_data(mother),
            ),
            (
                reverse("outreach:carerreview-create", args=[team_client.pk, carer.pk]),
                {"reviewed_on": today.isoformat(), "needs": "x"},
            ),
        ]:
            assert client.get(url).status_code == 404
            assert client.post(url, data).status_code == 404


@pytest.mark.parametrize("n", [1, 10])
def test_client_page_queries_do_not_grow_with_carers(
    client, worker, team_client, n, django_assert_num_queries
):
    for _i in range(n):
        carer = CarerFactory(client=team_client)
        CarerNeedsReviewFactory(carer=carer, reviewed_by=worker)
    client.force_login(worker)
    client.get(team_client.get_absolute_url())
    # As tests/outreach/test_client_page.py (with contacts there: here no contacts, so no
    # staff and interventions prefetches), plus the carers' reviews prefetch.
    with django_assert_num_queries(58):
        response = client.get(team_client.get_absolute_url())
    assert len(response.context["carers"]) == n


# --- API --------------------------------------------------------------------------------------


def test_api_carers_and_reviews(client, worker, outsider, team_client, mother, today):
    client.force_login(worker)
    payload = {"client": team_client.pk, **_carer_data(mother)}
    response = client.post("/api/v1/carers/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    carer_pk = response.json()["id"]
    assert client.get(f"/api/v1/carers/{carer_pk}/").json()["name"] == "Elena"
    review = {"carer": carer_pk, "reviewed_on": today.isoformat(), "needs": "Respite"}
    response = client.post("/api/v1/carer-reviews/", review, content_type="application/json")
    assert response.status_code == 201, response.content
    review_pk = response.json()["id"]
    assert client.get(f"/api/v1/carer-reviews/{review_pk}/").json()["client"] == team_client.pk
    assert len(client.get("/api/v1/carer-reviews/").json()["results"]) == 1
    assert AuditEvent.objects.filter(action="carerneedsreview.view", client=team_client).exists()
    client.force_login(outsider)
    assert client.get(f"/api/v1/carers/{carer_pk}/").status_code == 404
    assert client.get(f"/api/v1/carer-reviews/{review_pk}/").status_code == 404
    assert len(client.get("/api/v1/carers/").json()["results"]) == 0
    assert (
        client.post("/api/v1/carers/", payload, content_type="application/json").status_code == 404
    )
    assert (
        client.post("/api/v1/carer-reviews/", review, content_type="application/json").status_code
        == 404
    )
    assert Carer.objects.count() == 1 and CarerNeedsReview.objects.count() == 1


def test_api_refuses_another_clients_person(client, worker, team_client, team):
    from tests.factories import ClientFactory

    other = SupportPersonFactory(client=ClientFactory(team=team))
    client.force_login(worker)
    payload = {"client": team_client.pk, **_carer_data(other)}
    response = client.post("/api/v1/carers/", payload, content_type="application/json")
    assert response.status_code == 400
    assert not Carer.objects.exists()
