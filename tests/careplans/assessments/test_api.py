"""Assessments through the API: the page's form and service, its access and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import Assessment
from outreach.models import AuditEvent
from tests.careplans.assessments.factories import AssessmentFactory
from tests.careplans.assessments.helpers import MANSA_SCALE, MANSA_YES_NO
from tests.factories import ClientFactory, EpisodeFactory


def _mansa(value=4):
    return {**{code: value for code in MANSA_SCALE}, **{code: False for code in MANSA_YES_NO}}


def _post(client, data):
    return client.post("/api/v1/assessments/", data, content_type="application/json")


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


def test_record_computes_the_score_and_audits(api, worker, team_client):
    body = {"client": team_client.pk, "instrument": "mansa", "timepoint": "baseline"}
    response = _post(api, {**body, "answers": _mansa(5)})
    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get()
    assert assessment.author == worker and assessment.assessed_on == timezone.localdate()
    assert float(response.json()["score"]) == 5.0
    assert AuditEvent.objects.filter(action="assessment.create", client=team_client).exists()


def test_bad_answers_are_400_and_write_nothing(api, team_client):
    body = {"client": team_client.pk, "instrument": "mansa", "timepoint": "baseline"}
    response = _post(api, {**body, "answers": {**_mansa(), "life": 9}})
    assert response.status_code == 400 and "life" in response.json()["answers"]
    missing = _mansa()
    del missing["job"]
    assert "job" in _post(api, {**body, "answers": missing}).json()["answers"]
    assert "answers" in _post(api, {**body, "answers": {**_mansa(), "nonsense": 1}}).json()
    assert "instrument" in _post(api, {**body, "instrument": "nope", "answers": {}}).json()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert "assessed_on" in _post(api, {**body, "answers": _mansa(), "assessed_on": future}).json()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_roles(role, client, users_by_role, team_client):
    row = AssessmentFactory(client=team_client)
    client.force_login(users_by_role[role])
    assert client.get("/api/v1/assessments/").json()["results"] == []
    assert client.get(f"/api/v1/assessments/{row.pk}/").status_code == 404
    body = {"client": team_client.pk, "instrument": "mansa", "timepoint": "baseline"}
    assert _post(client, {**body, "answers": _mansa()}).status_code == 404
    response = client.patch(
        f"/api/v1/assessments/{row.pk}/", {"timepoint": "month_3"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Assessment.objects.count() == 1
    assert client.get("/api/v1/assessments-due/").status_code in (200, 404)
    assert str(team_client.pk) not in client.get("/api/v1/assessments-due/").content.decode()


def test_only_the_author_corrects(api, client, worker, peer, team_client):
    body = {"client": team_client.pk, "instrument": "mansa", "timepoint": "baseline"}
    assessment_id = _post(api, {**body, "answers": _mansa(4)}).json()["id"]
    url = f"/api/v1/assessments/{assessment_id}/"
    response = api.patch(url, {"answers": {"life": 7}}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["answers"]["life"] == 7 and response.json()["answers"]["job"] == 4
    assert AuditEvent.objects.filter(action="assessment.update").exists()
    client.force_login(peer)
    assert (
        client.patch(url, {"answers": {"life": 1}}, content_type="application/json").status_code
        == 403
    )
    assert Assessment.objects.get().answers["life"] == 7


def test_list_audits_filters_and_syncs(api, team_client, tandem, django_assert_num_queries):
    row = AssessmentFactory(client=team_client)
    # session, user, the page (joined with the instrument), the audit INSERT, session save (3)
    with django_assert_num_queries(7):
        api.get("/api/v1/assessments/")
    for _ in range(3):
        other = ClientFactory(team=team_client.team, tandem=tandem)
        EpisodeFactory(client=other)
        AssessmentFactory(client=other)
    with django_assert_num_queries(7):
        assert len(api.get("/api/v1/assessments/").json()["results"]) == 4
    assert AuditEvent.objects.filter(action="assessment.list", client=team_client).count() == 2
    assert [
        r["id"]
        for r in api.get("/api/v1/assessments/", {"client": team_client.pk}).json()["results"]
    ] == [row.pk]
    old = timezone.now() - timedelta(days=3)
    Assessment.objects.filter(pk=row.pk).update(updated_at=old)
    recent = api.get(
        "/api/v1/assessments/", {"updated_since": (old + timedelta(days=1)).isoformat()}
    )
    assert row.pk not in [r["id"] for r in recent.json()["results"]]
    assert api.get(f"/api/v1/assessments/{row.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="assessment.view", object_id=str(row.pk)).exists()


def test_due_list_and_instruments(api, worker, team_client):
    due = api.get("/api/v1/assessments-due/", {"scope": "team"}).json()
    assert {"client": team_client.pk, "instrument": "mansa"}.items() <= due[0].items()
    assert AuditEvent.objects.filter(action="assessment.due.view", client=team_client).exists()
    codes = [i["code"] for i in api.get("/api/v1/instruments/").json()]
    assert "mansa" in codes
