"""Complaints: recorded by the team, closed by its supervisor, on the supervisor's My work, API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.mywork import selectors as mywork
from outreach.models import AuditEvent, Complaint
from outreach.safeguarding import services
from tests.factories import ClientFactory
from tests.outreach.safeguarding.factories import ComplaintFactory


def _data(days_ago, **extra):
    data = {
        "received_on": days_ago(4),
        "about_kind": "staff",
        "about": "The night nurse at the crisis house",
        "complaint": "Shouted at me in front of the others.",
    }
    data.update(extra)
    return data


def test_a_worker_records_and_answers_a_complaint(post_page, client, team_client, days_ago):
    response = post_page("complaint-create", _data(days_ago))
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:complaint-list", args=[team_client.pk])
    complaint = Complaint.objects.get(client=team_client)
    assert complaint.is_open
    assert AuditEvent.objects.filter(action="complaint.create", client=team_client).exists()
    form = client.get(reverse("outreach:complaint-update", args=[team_client.pk, complaint.pk]))
    assert 'name="closed_on"' not in form.content.decode()  # closing is the supervisor's
    response = post_page(
        "complaint-update",
        _data(days_ago, response="Met with the house manager.", responded_on=days_ago(1)),
        complaint.pk,
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.response == "Met with the house manager." and complaint.is_open
    page = client.get(reverse("outreach:complaint-list", args=[team_client.pk])).content.decode()
    assert "Shouted at me" in page and "Met with the house manager." in page
    body = client.get(team_client.get_absolute_url()).content.decode()
    assert "1 open" in body
    assert "Complaint" in body[body.index('id="timeline-h"') :]


def test_the_supervisor_closes_it_with_an_outcome(
    client, supervisor, team_client, worker, days_ago
):
    complaint = ComplaintFactory(client=team_client, author=worker)
    client.force_login(supervisor)
    url = reverse("outreach:complaint-update", args=[team_client.pk, complaint.pk])
    response = client.post(url, _data(days_ago, closed_on=days_ago(0)))
    assert response.status_code == 400
    assert "Give the outcome" in response.content.decode()
    response = client.post(url, _data(days_ago, outcome="upheld", closed_on=days_ago(0)))
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.outcome == "upheld" and not complaint.is_open
    event = AuditEvent.objects.get(action="complaint.update")
    assert event.detail["changes"]["outcome"] == {"old": "", "new": "upheld"}


def test_a_response_before_the_complaint_is_refused(post_page, days_ago):
    response = post_page("complaint-create", _data(days_ago, responded_on=days_ago(9)))
    assert response.status_code == 400
    assert "before the complaint was received" in response.content.decode()
    assert (
        post_page("complaint-create", _data(days_ago, received_on=days_ago(-1))).status_code == 400
    )
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_partners_get_404(
    role, client, users_by_role, team_client, worker, days_ago
):
    complaint = ComplaintFactory(client=team_client, author=worker)
    client.force_login(users_by_role[role])
    for url in [
        reverse("outreach:complaint-list", args=[team_client.pk]),
        reverse("outreach:complaint-create", args=[team_client.pk]),
        reverse("outreach:complaint-update", args=[team_client.pk, complaint.pk]),
    ]:
        assert client.get(url).status_code == 404
    url = reverse("outreach:complaint-update", args=[team_client.pk, complaint.pk])
    assert client.post(url, _data(days_ago, about="changed")).status_code == 404
    assert Complaint.objects.get().about == "Ward 4 of the state hospital"


def test_complaint_list_queries_do_not_grow(client, worker, team_client, django_assert_num_queries):
    client.force_login(worker)
    url = reverse("outreach:complaint-list", args=[team_client.pk])

    def count():
        # session, user, client (with team, tandem, own-team check), audit insert; complaints
        # (+author); session refresh (savepoint, update, release)
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200

    ComplaintFactory(client=team_client, author=worker)
    count()
    ComplaintFactory.create_batch(6, client=team_client, author=worker)
    count()


# --- Services --------------------------------------------------------------------------------


def test_service_lets_only_the_supervisor_close(team_client, worker, supervisor, outsider, origin):
    complaint = ComplaintFactory.build(client=team_client)
    complaint.outcome, complaint.closed_on = "resolved", timezone.localdate()
    with pytest.raises(ValidationError):
        services.complaint_save(
            client=team_client, actor=worker, complaint=complaint, origin=origin
        )
    with pytest.raises(PermissionDenied):
        services.complaint_save(
            client=team_client, actor=outsider, complaint=complaint, origin=origin
        )
    assert not Complaint.objects.exists()
    saved = services.complaint_save(
        client=team_client, actor=supervisor, complaint=complaint, origin=origin
    )
    assert saved.author == supervisor and not saved.is_open


# --- My work: the supervisor's list ------------------------------------------------------------


def _complaint_items(user, *, own):
    tandems = mywork.worker_tandems(user) if own else mywork.tandem_choices(user)
    scope = mywork.work_scope(user=user, tandems=tandems, own=own)
    return [i for i in mywork.my_work(scope).items if i.kind == "complaint"]


def test_open_complaints_are_on_the_supervisors_work_list(
    client, supervisor, worker, team_client, origin
):
    complaint = ComplaintFactory(client=team_client, author=worker)
    (item,) = _complaint_items(supervisor, own=False)
    assert item.client == team_client
    assert item.url == reverse("outreach:complaint-update", args=[team_client.pk, complaint.pk])
    assert _complaint_items(worker, own=True) == []  # the workers' lists do not carry them
    client.force_login(supervisor)
    assert "Ward 4 of the state hospital" in client.get("/indicators/my-work/").content.decode()
    complaint.outcome, complaint.closed_on = "not_upheld", timezone.localdate()
    services.complaint_save(
        client=team_client, actor=supervisor, complaint=complaint, origin=origin
    )
    assert _complaint_items(supervisor, own=False) == []


# --- API -------------------------------------------------------------------------------------


def test_api_complaints(api, team_client, client, supervisor, outsider):
    body = {
        "client": team_client.pk,
        "received_on": timezone.localdate().isoformat(),
        "about_kind": "agency",
        "about": "Social assistance office",
        "complaint": "Lost my papers twice.",
    }
    response = api.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.get(f"/api/v1/complaints/{pk}/").json()["about"] == "Social assistance office"
    assert [
        r["id"] for r in api.get("/api/v1/complaints/", {"open": "true"}).json()["results"]
    ] == [pk]
    closing = {**body, "outcome": "upheld", "closed_on": timezone.localdate().isoformat()}
    assert (
        api.post("/api/v1/complaints/", closing, content_type="application/json").status_code == 400
    )
    client.force_login(outsider)
    assert client.get(f"/api/v1/complaints/{pk}/").status_code == 404
    assert (
        client.post("/api/v1/complaints/", body, content_type="application/json").status_code == 404
    )
    assert Complaint.objects.count() == 1


def test_api_complaint_list_queries_do_not_grow(
    api, team_client, worker, django_assert_num_queries
):
    def count():
        # session, user; the page (a cursor: no count); audit insert; session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(7):
            assert api.get("/api/v1/complaints/").status_code == 200

    ComplaintFactory(client=team_client, author=worker)
    count()
    ComplaintFactory.create_batch(4, client=ClientFactory(team=team_client.team), author=worker)
    count()
