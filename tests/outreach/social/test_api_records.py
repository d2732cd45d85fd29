"""The social resources on the record API's base: sync, another team, the page's validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, CarerNeedsReview, LivingStatus, SupportPerson
from tests.factories import ClientFactory, SupportPersonFactory
from tests.outreach.social.factories import (
    CarerFactory,
    CarerNeedsReviewFactory,
    LivingStatusFactory,
    SpendingFactory,
)

# url: (audit entity, make a row of client c recorded by w)
READS = {
    "living-statuses": ("livingstatus", lambda c, w: LivingStatusFactory(client=c, recorded_by=w)),
    "carers": ("carer", lambda c, w: CarerFactory(client=c, recorded_by=w)),
    "carer-reviews": (
        "carerneedsreview",
        lambda c, w: CarerNeedsReviewFactory(carer=CarerFactory(client=c), reviewed_by=w),
    ),
    "spending": ("spending", lambda c, w: SpendingFactory(client=c, recorded_by=w)),
}


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.mark.parametrize("url", READS)
def test_updated_since_returns_rows_changed_since_and_audits_the_list(
    url, api, worker, team_client
):
    entity, make = READS[url]
    row = make(team_client, worker)
    old = timezone.now() - timedelta(days=3)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    lists = AuditEvent.objects.filter(action=f"{entity}.list", actor=worker, client=team_client)
    since = (old + timedelta(days=1)).isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"] == []
    assert not lists.exists()  # nothing shown, nothing audited
    found = api.get(f"/api/v1/{url}/", {"updated_since": old.isoformat()}).json()["results"]
    assert [r["id"] for r in found] == [row.pk]  # at the moment counts
    assert found[0]["updated_at"] and found[0]["client"] == team_client.pk
    assert lists.count() == 1
    assert api.get(f"/api/v1/{url}/", {"updated_since": "yesterday"}).status_code == 400


@pytest.mark.parametrize("url", READS)
def test_another_teams_rows_are_404_and_their_client_lists_nothing(
    url, api, client, worker, outsider, other_team, team_client
):
    entity, make = READS[url]
    own = make(team_client, worker)
    theirs = make(ClientFactory(team=other_team), outsider)
    assert api.get(f"/api/v1/{url}/{theirs.pk}/").status_code == 404
    # Their client's id in ?client= answers like an id of nobody: an empty list, no audit.
    assert api.get(f"/api/v1/{url}/", {"client": theirs_client(theirs)}).json()["results"] == []
    assert not AuditEvent.objects.filter(action=f"{entity}.list").exists()
    rows = api.get(f"/api/v1/{url}/", {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in rows] == [own.pk]
    client.force_login(outsider)
    assert client.get(f"/api/v1/{url}/{own.pk}/").status_code == 404


def theirs_client(row) -> int:
    return row.carer.client_id if hasattr(row, "carer") else row.client_id


def test_lists_are_paged_with_a_cursor(api, worker, team_client):
    for _ in range(3):
        SpendingFactory(client=team_client, recorded_by=worker)
    first = api.get("/api/v1/spending/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and "count" not in first
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


# --- Creates meet the page's rules --------------------------------------------------------------


def _same_refusal(api, page_url, page_data, api_url, body, field):
    """The page and the API refuse the same input with the same message, and write nothing."""
    before = AuditEvent.objects.exclude(action__endswith=".view").count()
    page = api.post(page_url, page_data)
    assert page.status_code == 400
    form = page.context["form"]
    page_errors = form.non_field_errors() if field == "non_field_errors" else form.errors[field]
    response = api.post(f"/api/v1/{api_url}/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == list(page_errors)
    assert AuditEvent.objects.exclude(action__endswith=".view").count() == before


def test_living_status_since_tomorrow_is_refused_on_both_paths(api, team_client):
    data = {"status": "shelter", "since": _day(1)}
    _same_refusal(
        api,
        reverse("outreach:livingstatus-create", args=[team_client.pk, "housing"]),
        data,
        "living-statuses",
        {"client": team_client.pk, "domain": "housing", **data},
        "since",
    )
    assert not LivingStatus.objects.exists()


def test_living_status_of_another_domains_list_is_refused(api, team_client):
    body = {"client": team_client.pk, "domain": "income", "status": "shelter", "since": _day(0)}
    response = api.post("/api/v1/living-statuses/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["status"]
    body["domain"] = "weather"
    response = api.post("/api/v1/living-statuses/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["domain"]


def test_a_do_not_contact_person_is_no_carer_on_both_paths(api, team_client):
    person = SupportPersonFactory(
        client=team_client, involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    data = {"support_person": person.pk, "kind": "practical", "frequency": "daily"}
    _same_refusal(
        api,
        reverse("outreach:carer-create", args=[team_client.pk]),
        data,
        "carers",
        {"client": team_client.pk, **data},
        "support_person",
    )


def test_a_review_long_before_the_carer_is_refused_on_both_paths(api, worker, team_client):
    carer = CarerFactory(client=team_client, recorded_by=worker)
    data = {"reviewed_on": _day(-400), "needs": "Respite"}
    _same_refusal(
        api,
        reverse("outreach:carerreview-create", args=[team_client.pk, carer.pk]),
        data,
        "carer-reviews",
        {"carer": carer.pk, **data},
        "reviewed_on",
    )


def test_a_review_of_another_teams_carer_is_404(api, outsider, other_team):
    carer = CarerFactory(client=ClientFactory(team=other_team), recorded_by=outsider)
    body = {"carer": carer.pk, "reviewed_on": _day(0), "needs": "Respite"}
    assert (
        api.post("/api/v1/carer-reviews/", body, content_type="application/json").status_code == 404
    )
    assert not CarerNeedsReview.objects.exists()


def test_spending_of_nothing_is_refused_on_both_paths(api, team_client):
    data = {"amount": "0.00", "purpose": "transport", "spent_on": _day(0)}
    _same_refusal(
        api,
        reverse("outreach:spending-create", args=[team_client.pk]),
        data,
        "spending",
        {"client": team_client.pk, **data},
        "amount",
    )


def test_reviews_by_carer_and_another_teams_carer_lists_nothing(
    api, worker, outsider, team_client, other_team
):
    own = CarerNeedsReviewFactory(carer=CarerFactory(client=team_client), reviewed_by=worker)
    theirs = CarerNeedsReviewFactory(
        carer=CarerFactory(client=ClientFactory(team=other_team)), reviewed_by=outsider
    )
    listed = api.get("/api/v1/carer-reviews/", {"carer": own.carer_id}).json()["results"]
    assert [r["id"] for r in listed] == [own.pk]
    # Another team's carer and a carer of nobody answer alike.
    for carer in (theirs.carer_id, theirs.carer_id + 1000):
        response = api.get("/api/v1/carer-reviews/", {"carer": carer})
        assert response.status_code == 200 and response.json()["results"] == []
