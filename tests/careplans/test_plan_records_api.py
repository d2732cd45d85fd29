"""The client's comments on their plan, the plan's agreements and the crisis sheet's shares
through the API: the plan pages' access, forms, services and audit events."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import CrisisSheetShare, PlanAgreement, PlanComment
from outreach.models import AuditEvent, Role
from tests.factories import ClientFactory, ConsentFactory, EpisodeFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = False


def _comment(plan, worker, origin):
    return services.comment_add(
        careplan=plan,
        author=worker,
        plan_version=plan.version,
        text="Я искам повече време.",
        made_on=timezone.localdate(),
        origin=origin,
    )


def _agreement(plan, worker, origin):
    return PlanAgreement.objects.create(
        client=plan.episode.client,
        careplan=plan,
        agreed_on=timezone.localdate(),
        kind=PlanAgreement.Kind.FIRST,
        plan_version=plan.version,
    )


def _share(plan, worker, origin):
    consent = ConsentFactory(client=plan.episode.client)
    share, _pdf = services.crisis_sheet_share(
        careplan=plan, author=worker, consent=consent, origin=origin
    )
    return share


READS = {
    "plan-comments": ("plancomment", _comment),
    "plan-agreements": ("planagreement", _agreement),
    "crisis-sheet-shares": ("crisissheetshare", _share),
}


def _plan_of_new_client(team, tandem, worker, origin):
    other = ClientFactory(team=team, tandem=tandem)
    episode = EpisodeFactory(client=other)
    return services.careplan_create(episode=episode, author=worker, origin=origin)


def _post(client, url, data):
    return client.post(f"/api/v1/{url}", data, content_type="application/json")


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_other_teams_and_roles_see_nothing(url, role, client, users_by_role, plan, worker, origin):
    entity, make = READS[url]
    row = make(plan, worker, origin)
    client.force_login(users_by_role[role])
    assert client.get(f"/api/v1/{url}/").json()["results"] == []
    assert client.get(f"/api/v1/{url}/{row.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action__in=[f"{entity}.list", f"{entity}.view"]).exists()


@pytest.mark.parametrize("url", READS)
def test_reads_are_audited_filtered_and_newest_first(
    url, api, plan, worker, origin, team, tandem, team_client
):
    entity, make = READS[url]
    row = make(plan, worker, origin)
    other_plan = _plan_of_new_client(team, tandem, worker, origin)
    newer = make(other_plan, worker, origin)
    results = api.get(f"/api/v1/{url}/").json()["results"]
    assert [r["id"] for r in results] == [newer.pk, row.pk]
    assert set(
        AuditEvent.objects.filter(action=f"{entity}.list").values_list("client_id", flat=True)
    ) == {team_client.pk, other_plan.episode.client_id}
    only = api.get(f"/api/v1/{url}/", {"client": team_client.pk}).json()["results"]
    assert [r["id"] for r in only] == [row.pk]
    assert only[0]["client"] == team_client.pk and only[0]["careplan"] == plan.pk
    assert api.get(f"/api/v1/{url}/{row.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action=f"{entity}.view", object_id=str(row.pk)).exists()


@pytest.mark.parametrize("url", READS)
def test_updated_since(url, api, plan, worker, origin):
    _, make = READS[url]
    row = make(plan, worker, origin)
    old = timezone.now() - timedelta(days=4)
    type(row).objects.filter(pk=row.pk).update(updated_at=old)
    now = timezone.now().isoformat()
    assert api.get(f"/api/v1/{url}/", {"updated_since": now}).json()["results"] == []
    since = (old - timedelta(seconds=1)).isoformat()
    found = api.get(f"/api/v1/{url}/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in found] == [row.pk]


# session, user, the page of rows (joined), the audit INSERT, the session save (savepoint,
# update, release)
@pytest.mark.parametrize("url", READS)
def test_list_queries_do_not_grow(
    url, api, plan, worker, origin, team, tandem, django_assert_num_queries
):
    _, make = READS[url]
    make(plan, worker, origin)
    with django_assert_num_queries(7):
        api.get(f"/api/v1/{url}/")
    for _ in range(3):
        make(_plan_of_new_client(team, tandem, worker, origin), worker, origin)
    with django_assert_num_queries(7):
        assert len(api.get(f"/api/v1/{url}/").json()["results"]) == 4


# --- Comments ---------------------------------------------------------------------------------


def test_a_comment_is_kept_with_its_version_and_audited(api, plan, worker):
    response = _post(api, "plan-comments/", {"careplan": plan.pk, "plan_version": 1, "text": "ok"})
    assert response.status_code == 201, response.content
    comment = PlanComment.objects.get()
    assert response.json()["id"] == comment.pk
    assert (comment.plan_version, comment.text, comment.recorded_by) == (1, "ok", worker)
    assert comment.made_on == timezone.localdate()
    event = AuditEvent.objects.get(action="plancomment.create")
    assert event.object_id == str(comment.pk) and event.detail == {"version": 1}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan_version": 9, "text": "x"}, "plan_version"),
        ({"plan_version": 1, "text": ""}, "text"),
        ({"plan_version": 1, "text": "x", "made_on": "2999-01-01"}, "made_on"),
    ],
)
def test_bad_comment_gives_the_pages_field_and_message(client, api, plan, body, field):
    response = _post(api, "plan-comments/", {"careplan": plan.pk, **body})
    assert response.status_code == 400
    page = client.post(reverse("careplans:comment-create", args=[plan.pk]), body)
    assert response.json()[field] == page.context["form"].errors[field]
    assert not PlanComment.objects.exists()
    assert not AuditEvent.objects.filter(action="plancomment.create").exists()


def test_a_reader_who_may_not_edit_the_plan_is_refused(client, plan, team):
    colleague = UserFactory(role=Role.PROFESSIONAL, teams=[team])
    client.force_login(colleague)
    body = {"careplan": plan.pk, "plan_version": 1, "text": "x"}
    assert _post(client, "plan-comments/", body).status_code == 403
    assert not PlanComment.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "outside_supervisor", "partner", "coordinator"])
def test_writes_to_another_teams_plan_are_404(role, client, users_by_role, plan, team_client):
    consent = ConsentFactory(client=team_client)
    client.force_login(users_by_role[role])
    body = {"careplan": plan.pk, "plan_version": 1, "text": "x"}
    assert _post(client, "plan-comments/", body).status_code == 404
    body = {"careplan": plan.pk, "consent": consent.pk}
    assert _post(client, "crisis-sheet-shares/", body).status_code == 404
    assert not PlanComment.objects.exists() and not CrisisSheetShare.objects.exists()


def test_agreements_are_read_only(api, plan, worker, origin):
    row = _agreement(plan, worker, origin)
    assert _post(api, "plan-agreements/", {"careplan": plan.pk}).status_code == 405
    assert api.patch(f"/api/v1/plan-agreements/{row.pk}/", {}).status_code == 405


def test_a_signed_and_agreed_plan_shows_its_agreement(api, plan, worker, peer, origin):
    services.careplan_sign(careplan=plan, user=worker, plan_version=1, origin=origin)
    services.careplan_sign(careplan=plan, user=peer, plan_version=1, origin=origin)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="agree",
        in_their_words="",
        responded_on=timezone.localdate(),
        origin=origin,
    )
    [row] = api.get("/api/v1/plan-agreements/", {"careplan": plan.pk}).json()["results"]
    assert (row["kind"], row["plan_version"]) == ("first", 1)


# --- Crisis sheet shares ----------------------------------------------------------------------


def test_sharing_the_crisis_sheet_records_it_and_answers_the_pdf(api, plan, worker, team_client):
    consent = ConsentFactory(client=team_client, recipient="Кризисен център")
    response = _post(api, "crisis-sheet-shares/", {"careplan": plan.pk, "consent": consent.pk})
    assert response.status_code == 201, response.content
    share = CrisisSheetShare.objects.get()
    body = response.json()
    assert body["id"] == share.pk and body["recipient"] == "Кризисен център"
    assert base64.b64decode(body["pdf"]).startswith(b"%PDF")
    assert (share.consent, share.shared_by, share.plan_version) == (consent, worker, 1)
    event = AuditEvent.objects.get(action="crisissheet.share")
    assert event.object_id == str(share.pk) and event.client_id == team_client.pk
    # The list and a read give the record, never the sheet again.
    assert "pdf" not in api.get(f"/api/v1/crisis-sheet-shares/{share.pk}/").json()


def test_a_withdrawn_consent_is_refused_as_on_the_page(client, api, plan, team_client):
    consent = ConsentFactory(client=team_client, withdrawn_on=timezone.localdate())
    body = {"careplan": plan.pk, "consent": consent.pk}
    response = _post(api, "crisis-sheet-shares/", body)
    assert response.status_code == 400
    page = client.post(reverse("careplans:crisis-sheet", args=[plan.pk]), body)
    assert response.json()["consent"] == page.context["form"].errors["consent"]
    assert not CrisisSheetShare.objects.exists()
    assert not AuditEvent.objects.filter(action="crisissheet.share").exists()


def test_another_clients_consent_is_refused(api, plan, team, tandem):
    other = ConsentFactory(client=ClientFactory(team=team, tandem=tandem))
    response = _post(api, "crisis-sheet-shares/", {"careplan": plan.pk, "consent": other.pk})
    assert response.status_code == 400 and "consent" in response.json()
    assert not CrisisSheetShare.objects.exists()
