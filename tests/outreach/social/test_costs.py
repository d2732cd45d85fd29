"""Costs: travel per contact (optional, on the contact form) and money spent for a client; the
supervisor's internal figures of travel and spending per client served."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Contact, Spending
from outreach.social import selectors, services
from tests import db_state
from tests.factories import ClientFactory, ContactFactory, EpisodeFactory
from tests.outreach.social.factories import SpendingFactory


@pytest.fixture
def today():
    return timezone.localdate()


def _contact(client, team_client, **overrides):
    when = timezone.localtime() - timedelta(hours=1)
    data = {
        "started_at": when.strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [team_client.tandem.professional_id],
        "note": "",
    }
    data.update(overrides)
    return client.post(reverse("outreach:contact-create", args=[team_client.pk]), data)


# --- travel on the contact form ---------------------------------------------------------------


def test_the_contact_form_takes_travel_minutes_and_km(client, worker, team_client):
    client.force_login(worker)
    page = client.get(reverse("outreach:contact-create", args=[team_client.pk])).content.decode()
    assert 'name="travel_minutes"' in page and 'inputmode="decimal"' in page
    response = _contact(client, team_client, travel_minutes="25", travel_km="12.5")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.travel_minutes, contact.travel_km) == (25, Decimal("12.5"))
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert "12.5 km" in body


def test_travel_is_optional(client, worker, team_client):
    client.force_login(worker)
    assert _contact(client, team_client).status_code == 302
    contact = Contact.objects.get()
    assert contact.travel_minutes is None and contact.travel_km is None


@pytest.mark.parametrize(
    "bad", [{"travel_km": "-1"}, {"travel_minutes": "601"}, {"travel_km": "1000.1"}]
)
def test_implausible_travel_is_refused(client, worker, team_client, bad):
    client.force_login(worker)
    assert _contact(client, team_client, **bad).status_code == 400
    assert not Contact.objects.exists()


def test_the_author_corrects_the_travel(client, worker, team_client):
    client.force_login(worker)
    _contact(client, team_client, travel_minutes="25")
    contact = Contact.objects.get()
    url = reverse("outreach:contact-update", args=[team_client.pk, contact.pk])
    when = timezone.localtime(contact.started_at).strftime("%Y-%m-%dT%H:%M")
    data = {
        "started_at": when,
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [team_client.tandem.professional_id],
        "travel_minutes": "40",
    }
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.travel_minutes == 40
    event = AuditEvent.objects.filter(action="contact.update").latest("pk")
    assert event.detail["changes"]["travel_minutes"] == {"old": 25, "new": 40}


def test_api_contact_with_travel(client, worker, team_client):
    client.force_login(worker)
    payload = {
        "client": team_client.pk,
        "started_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "duration_minutes": 15,
        "mode": "face_to_face",
        "outcome": "met",
        "travel_minutes": 20,
        "travel_km": "7.5",
    }
    response = client.post("/api/v1/contacts/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["travel_km"] == "7.5"
    bad = dict(payload, travel_km="-2")
    assert client.post("/api/v1/contacts/", bad, content_type="application/json").status_code == 400
    assert Contact.objects.count() == 1


# --- spending ---------------------------------------------------------------------------------


def test_spending_is_recorded_in_the_configured_currency_and_audited(
    worker, team_client, origin, today, settings
):
    settings.OUTREACH_CURRENCY = "BGN"
    spending = services.spending_record(
        client=team_client,
        actor=worker,
        spending=Spending(amount=Decimal("20.00"), purpose="id_fees", spent_on=today),
        origin=origin,
    )
    assert spending.currency == "BGN" and spending.recorded_by == worker
    assert AuditEvent.objects.filter(action="spending.create", client=team_client).exists()


@pytest.mark.parametrize(
    ("amount", "days"), [(Decimal("0"), 0), (Decimal("-5"), 0), (Decimal("5"), -1)]
)
def test_no_amount_or_a_future_day_is_refused(worker, team_client, origin, today, amount, days):
    with db_state.unchanged(), pytest.raises(ValidationError):
        services.spending_record(
            client=team_client,
            actor=worker,
            spending=Spending(amount=amount, purpose="food", spent_on=today - timedelta(days)),
            origin=origin,
        )


def test_a_worker_records_spending_from_the_client_page(client, worker, team_client, today):
    client.force_login(worker)
    url = reverse("outreach:spending-create", args=[team_client.pk])
    assert client.get(url).status_code == 200
    data = {"amount": "35.20", "purpose": "housing_deposit", "spent_on": today.isoformat()}
    assert client.post(url, data).status_code == 302
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert 'id="spending-h"' in body and "35.20" in body
    assert 'class="event-spending"' in body
    assert client.post(url, {**data, "amount": ""}).status_code == 400
    assert Spending.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "partner"])
def test_other_team_and_partner_get_404(client, users_by_role, team_client, today, who):
    client.force_login(users_by_role[who])
    url = reverse("outreach:spending-create", args=[team_client.pk])
    with db_state.unchanged():
        assert client.get(url).status_code == 404
        data = {"amount": "5", "purpose": "food", "spent_on": today.isoformat()}
        assert client.post(url, data).status_code == 404


def test_api_spending(client, worker, outsider, team_client, today):
    client.force_login(worker)
    payload = {
        "client": team_client.pk,
        "amount": "9.90",
        "purpose": "transport",
        "spent_on": today.isoformat(),
    }
    response = client.post("/api/v1/spending/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get(f"/api/v1/spending/{pk}/").json()["amount"] == "9.90"
    assert len(client.get("/api/v1/spending/").json()["results"]) == 1
    assert AuditEvent.objects.filter(action="spending.list", client=team_client).exists()
    bad = dict(payload, purpose="holiday")
    assert client.post("/api/v1/spending/", bad, content_type="application/json").status_code == 400
    client.force_login(outsider)
    assert (
        client.post("/api/v1/spending/", payload, content_type="application/json").status_code
        == 404
    )
    assert client.get(f"/api/v1/spending/{pk}/").status_code == 404
    assert len(client.get("/api/v1/spending/").json()["results"]) == 0
    assert Spending.objects.count() == 1


# --- the team's figures -------------------------------------------------------------------------


@pytest.fixture
def costs_data(team, team_client, worker, today):
    """Two clients served (one discharged inside the period), one client not served."""
    other = ClientFactory(team=team)
    EpisodeFactory(
        client=other, started_on=today - timedelta(days=200), ended_on=today - timedelta(days=5)
    )
    not_served = ClientFactory(team=team)
    EpisodeFactory(
        client=not_served,
        started_on=today - timedelta(days=400),
        ended_on=today - timedelta(days=300),
    )
    moment = timezone.now() - timedelta(days=2)
    ContactFactory(
        client=team_client,
        author=worker,
        started_at=moment,
        travel_minutes=30,
        travel_km=Decimal("10.0"),
    )
    ContactFactory(client=other, author=worker, started_at=moment, travel_minutes=50)
    ContactFactory(client=other, author=worker, started_at=moment)
    ContactFactory(
        client=team_client,
        author=worker,
        started_at=timezone.now() - timedelta(400),
        travel_minutes=999 // 2,
    )
    SpendingFactory(
        client=team_client, amount=Decimal("30.00"), purpose="id_fees", recorded_by=worker
    )
    SpendingFactory(client=other, amount=Decimal("10.00"), purpose="id_fees", recorded_by=worker)
    SpendingFactory(client=other, amount=Decimal("5.00"), purpose="food", recorded_by=worker)
    SpendingFactory(
        client=team_client,
        amount=Decimal("100.00"),
        recorded_by=worker,
        spent_on=today - timedelta(days=400),
    )
    return today - timedelta(days=30), today


def test_team_costs_per_client_served(team, costs_data):
    start, end = costs_data
    costs = selectors.team_costs(team=team, start=start, end=end)
    assert costs.clients_served == 2
    assert (costs.contacts, costs.contacts_with_travel) == (3, 2)
    assert (costs.travel_minutes, costs.travel_km) == (80, Decimal("10.0"))
    assert costs.travel_minutes_per_client == Decimal("40.0")
    assert costs.travel_km_per_client == Decimal("5.0")
    (total,) = costs.spending_totals
    assert (total["amount"], total["per_client"]) == (Decimal("45.00"), Decimal("22.50"))
    assert [(r["purpose"], r["amount"], r["clients"]) for r in costs.spending] == [
        ("id_fees", Decimal("40.00"), 2),
        ("food", Decimal("5.00"), 1),
    ]


def test_no_client_served_gives_no_per_client_figure(other_team, today):
    costs = selectors.team_costs(team=other_team, start=today, end=today)
    assert costs.clients_served == 0 and costs.travel_minutes_per_client is None


def test_the_supervisor_sees_the_figures_of_their_team(client, supervisor, team, costs_data):
    start, end = costs_data
    client.force_login(supervisor)
    assert (
        reverse("outreach:team-costs")
        in client.get(reverse("outreach:team-caseload")).content.decode()
    )
    with db_state.unchanged(db_state.writes):  # a GET writes nothing
        response = client.get(
            reverse("outreach:team-costs"), {"start": start.isoformat(), "end": end.isoformat()}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "40.0" in body and "22.50" in body and team.name in body


def test_another_teams_supervisor_does_not_see_the_team(
    client, outside_supervisor, team, costs_data
):
    client.force_login(outside_supervisor)
    body = client.get(reverse("outreach:team-costs")).content.decode()
    assert team.name not in body


@pytest.mark.parametrize("who", ["worker", "coordinator", "partner", "admin", "dpo"])
def test_only_supervisors_have_the_costs_page(client, users_by_role, who):
    client.force_login(users_by_role[who])
    assert client.get(reverse("outreach:team-costs")).status_code == 404


def test_a_reversed_period_gets_a_message(client, supervisor, today):
    client.force_login(supervisor)
    response = client.get(
        reverse("outreach:team-costs"),
        {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "before its start" in response.content.decode()


def test_costs_are_not_on_the_public_page(client, costs_data):
    body = client.get(reverse("public:report-summary")).content.decode()
    assert "travel" not in body.lower() and "spending" not in body.lower()


@pytest.mark.parametrize("n", [1, 15])
def test_costs_page_queries_do_not_grow(
    client, supervisor, team, worker, n, today, django_assert_num_queries
):
    for _i in range(n):
        c = ClientFactory(team=team)
        EpisodeFactory(client=c)
        ContactFactory(client=c, author=worker, travel_minutes=10)
        SpendingFactory(client=c, recorded_by=worker)
    client.force_login(supervisor)
    client.get(reverse("outreach:team-costs"))
    # session, user, teams; per team: clients served, travel aggregate, spending by purpose;
    # the menu's count of emergency grants to review; session save (savepoint, update, release)
    with django_assert_num_queries(10):
        client.get(reverse("outreach:team-costs"))
