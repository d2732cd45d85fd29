"""Care plan pages through the test client: what a tandem worker sees and does."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import CarePlan, CrisisSheetShare, PlanAgreement
from outreach.models import AuditEvent, SupportPerson
from tests.factories import ConsentFactory, SupportPersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = False


def _url(name, plan):
    return reverse(f"careplans:{name}", args=[plan.pk])


def _plan_post(plan, **overrides):
    data = {
        "version": plan.version,
        "what_matters": plan.what_matters,
        "strengths": "",
        "contributors": ["client", "tandem"],
        "contributors_detail": "",
        "diagnosis": "",
    }
    data.update(overrides)
    return data


def test_worker_starts_and_writes_a_plan(client, worker, team_client):
    client.force_login(worker)
    start = reverse("careplans:client-plan", args=[team_client.pk])
    assert "Start the plan with the client" in client.get(start).content.decode()
    response = client.post(start)
    plan = CarePlan.objects.get(episode__client=team_client)
    assert response.url == _url("careplan-update", plan)
    response = client.post(
        _url("careplan-update", plan),
        _plan_post(plan, what_matters="Да си върна децата.", domain_housing="В приют"),
    )
    assert response.status_code == 302
    page = client.get(_url("careplan-detail", plan)).content.decode()
    assert "Да си върна децата." in page and "В приют" in page and "Version 2" in page
    assert AuditEvent.objects.filter(action="careplan.update", actor=worker).exists()
    assert AuditEvent.objects.filter(action="careplan.view", client=team_client).exists()


def test_concurrent_edit_second_session_gets_conflict_and_nothing_is_lost(
    worker, peer, team_client, plan
):
    first, second = HttpClient(), HttpClient()
    first.force_login(worker)
    second.force_login(peer)
    # Both open the edit page at version 1.
    assert 'name="version" value="1"' in first.get(_url("careplan-update", plan)).content.decode()
    assert 'name="version" value="1"' in second.get(_url("careplan-update", plan)).content.decode()
    ok = first.post(_url("careplan-update", plan), _plan_post(plan, strengths="Готви за всички"))
    assert ok.status_code == 302
    clash = second.post(_url("careplan-update", plan), _plan_post(plan, strengths="Обича кучета"))
    assert clash.status_code == 409
    page = clash.content.decode()
    assert "Someone else saved the plan" in page
    assert "Готви за всички" in page  # what the first person saved
    assert "Обича кучета" in page  # the second person's unsaved input, kept in the form
    assert 'name="version" value="2"' in page
    assert "Yours, not saved" in page and "<ins>Обича кучета</ins>" in page
    plan.refresh_from_db()
    assert plan.strengths == "Готви за всички" and plan.version == 2
    # The second person merges both and saves.
    merged = second.post(
        _url("careplan-update", plan), _plan_post(plan, strengths="Готви за всички. Обича кучета")
    )
    assert merged.status_code == 302
    plan.refresh_from_db()
    assert plan.strengths == "Готви за всички. Обича кучета" and plan.version == 3
    assert AuditEvent.objects.filter(action="careplan.conflict", actor=peer).count() == 1


def test_plan_page_queries_do_not_grow_with_versions_and_goals(
    client, worker, plan, team_client, django_assert_num_queries, origin
):
    client.force_login(worker)

    def grow(n):
        for i in range(n):
            goal = services.goal_save(
                careplan=plan,
                author=worker,
                expected_version=plan.version,
                domain="work",
                in_their_words=f"Цел {i}",
                origin=origin,
            )
            plan.refresh_from_db()
            services.action_add(
                goal=goal,
                author=worker,
                expected_version=plan.version,
                what=f"Стъпка {i}",
                who="client",
                origin=origin,
            )
            plan.refresh_from_db()
        services.advance_statement_save(
            careplan=plan,
            author=worker,
            expected_version=plan.version,
            crisis_contacts=[SupportPersonFactory(client=team_client)],
            origin=origin,
        )
        plan.refresh_from_db()
        services.careplan_sign(careplan=plan, user=worker, plan_version=plan.version, origin=origin)
        services.comment_add(
            careplan=plan,
            author=worker,
            plan_version=1,
            text="ok",
            made_on=timezone.localdate(),
            origin=origin,
        )

    grow(1)
    client.get(_url("careplan-detail", plan))  # warm caches (content types, sessions)
    # session, user, plan+episode+client+team+tandem+advance statement, goals, actions,
    # crisis contacts, sign-offs (+users), responses, comments (+authors), reviews, agreements,
    # audit insert, history (+users joined), support people, can_edit (visible client),
    # legal capacity (guardianship statuses, supported decisions),
    # session refresh (savepoint, update, release)
    with django_assert_num_queries(22) as first:
        assert client.get(_url("careplan-detail", plan)).status_code == 200
    grow(4)
    assert plan.history.count() > 10
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(_url("careplan-detail", plan))
    assert response.content.decode().count('<li id="action-') == 5


def test_outsider_gets_404_and_colleague_reads_but_cannot_edit(client, outsider, plan, team):
    client.force_login(outsider)
    assert client.get(_url("careplan-detail", plan)).status_code == 404
    assert client.get(_url("careplan-update", plan)).status_code == 404
    colleague = UserFactory(teams=[team])
    client.force_login(colleague)
    page = client.get(_url("careplan-detail", plan))
    assert page.status_code == 200 and "Edit the plan" not in page.content.decode()
    assert client.get(_url("careplan-update", plan)).status_code == 403
    response = client.post(_url("careplan-update", plan), _plan_post(plan, strengths="x"))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.version == 1


def test_supervisor_edits_but_does_not_sign(client, supervisor, plan):
    client.force_login(supervisor)
    assert (
        client.post(_url("careplan-update", plan), _plan_post(plan, strengths="Силна")).status_code
        == 302
    )
    plan.refresh_from_db()
    assert client.post(_url("careplan-sign", plan), {"version": plan.version}).status_code == 403
    assert not plan.signoffs.exists()


def test_sign_off_and_agreement_through_pages(worker, peer, plan):
    a, b = HttpClient(), HttpClient()
    a.force_login(worker)
    b.force_login(peer)
    a.post(_url("careplan-sign", plan), {"version": 1})
    b.post(_url("careplan-sign", plan), {"version": 1})
    response = a.post(
        _url("response-create", plan),
        {
            "version": 1,
            "answer": "agree",
            "in_their_words": "Съгласна съм.",
            "responded_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert PlanAgreement.objects.get().kind == "first"
    page = a.get(_url("careplan-detail", plan)).content.decode()
    assert "Agreed" in page and "Съгласна съм." in page


def test_disagreement_without_reasons_refused_on_the_page(client, worker, plan):
    client.force_login(worker)
    response = client.post(
        _url("response-create", plan),
        {
            "version": 1,
            "answer": "disagree",
            "in_their_words": "",
            "responded_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Write down the client&#x27;s reasons in their words." in response.content.decode()
    assert not plan.responses.exists()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        _url("response-create", plan), {"version": 1, "answer": "agree", "responded_on": future}
    )
    assert "The date cannot be in the future." in response.content.decode()
    assert not plan.responses.exists()


def test_do_not_contact_person_not_offered_and_refused(client, worker, plan, team_client):
    banned = SupportPersonFactory(
        client=team_client,
        name="Бившият съпруг",
        involvement=SupportPerson.Involvement.DO_NOT_CONTACT,
    )
    friend = SupportPersonFactory(client=team_client, name="Приятелка")
    client.force_login(worker)
    form = client.get(_url("advance-update", plan)).content.decode()
    assert f'name="crisis_contacts" value="{friend.pk}"' in form
    assert f'name="crisis_contacts" value="{banned.pk}"' not in form
    response = client.post(
        _url("advance-update", plan),
        {"version": 1, "crisis_contacts": [banned.pk], "early_signs": "x"},
    )
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    plan.refresh_from_db()
    assert plan.version == 1


def test_crisis_sheet_refused_without_consent(client, worker, plan, team_client, origin):
    services.advance_statement_save(
        careplan=plan,
        author=worker,
        expected_version=1,
        early_signs="Спира да се храни",
        origin=origin,
    )
    withdrawn = ConsentFactory(
        client=team_client, recipient="Болница", withdrawn_on=timezone.localdate()
    )
    other = ConsentFactory(recipient="Чужда агенция")  # another client's consent
    client.force_login(worker)
    page = client.get(_url("crisis-sheet", plan)).content.decode()
    assert "has not consented to share with anyone" in page
    for consent in (withdrawn, other):
        response = client.post(_url("crisis-sheet", plan), {"consent": consent.pk})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
    assert not CrisisSheetShare.objects.exists()


def test_crisis_sheet_shared_with_consent_is_recorded_one_page(
    client, worker, plan, team_client, tmp_path, origin
):
    sister = SupportPersonFactory(client=team_client, name="Сестра Иванка", phone="0888 123 456")
    SupportPersonFactory(
        client=team_client,
        name="Петър Забранен",
        involvement=SupportPerson.Involvement.DO_NOT_CONTACT,
    )
    services.advance_statement_save(
        careplan=plan,
        author=worker,
        expected_version=1,
        crisis_contacts=[sister],
        early_signs="Не спи по три нощи",
        refused_hospitals="Курило",
        legally_binding=True,
        origin=origin,
    )
    consent = ConsentFactory(client=team_client, recipient="ЦПЗ София")
    client.force_login(worker)
    response = client.post(_url("crisis-sheet", plan), {"consent": consent.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    share = CrisisSheetShare.objects.get()
    assert (share.consent, share.shared_by, share.plan_version) == (consent, worker, 2)
    assert AuditEvent.objects.filter(action="crisissheet.share", client=team_client).exists()
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Сестра Иванка" in text and "0888 123 456" in text
    assert "Не спи по три нощи" in text and "ЦПЗ София" in text
    assert "Do NOT contact" in text and "Петър Забранен" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "A4" in info


def test_easy_read_pdf_in_bulgarian_with_cyrillic(
    client, worker, plan, team_client, tmp_path, origin
):
    team_client.preferred_language = "bg"
    team_client.known_as = "Мими"
    team_client.save()
    goal = services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=1,
        domain="housing",
        in_their_words="Да имам своя стая",
        origin=origin,
    )
    services.action_add(
        goal=goal,
        author=worker,
        expected_version=2,
        what="Звъня на сестра си",
        who="client",
        origin=origin,
    )
    client.force_login(worker)
    html = client.get(_url("careplan-easyread", plan)).content.decode()
    assert html.index("Искам да живея сама.") < html.index("Да имам своя стая")
    response = client.get(_url("careplan-easyread-pdf", plan))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Искам да живея сама." in text
    assert "Да имам своя стая" in text and "Звъня на сестра си" in text
    assert "Моят план, Мими" in text  # the headings are in the client's language
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu-Sans" in fonts
    assert AuditEvent.objects.filter(action="careplan.easyread.pdf", client=team_client).exists()


def test_history_page_shows_side_by_side_diff(client, worker, plan, origin):
    services.careplan_update(
        careplan=plan,
        author=worker,
        expected_version=1,
        what_matters="Искам да живея с котката си.",
        origin=origin,
    )
    client.force_login(worker)
    page = client.get(_url("careplan-history", plan) + "?a=1&b=2").content.decode()
    assert "<del>сама.</del>" in page and "<ins>с котката си.</ins>" in page
    assert client.get(_url("careplan-history", plan) + "?a=1&b=7").status_code == 404


def test_client_summary_partial(client, worker, team_client, plan):
    client.force_login(worker)
    response = client.get(reverse("careplans:client-summary", args=[team_client.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Not agreed yet" in page
    assert "First plan" in page and reverse("careplans:client-plan", args=[team_client.pk]) in page


def test_reviews_due_lists_overdue_first_plans_for_supervisor(
    client, supervisor, team_client, episode
):
    episode.started_on = timezone.localdate() - timedelta(days=40)
    episode.save()
    client.force_login(supervisor)
    page = client.get(reverse("careplans:reviews-due")).content.decode()
    assert "Maria Ivanova" in page and "overdue" in page


def test_api_returns_409_on_stale_version(client, worker, peer, plan):
    url = reverse("careplan-detail", args=[plan.pk])
    client.force_login(worker)
    assert (
        client.patch(
            url, {"version": 1, "strengths": "A"}, content_type="application/json"
        ).status_code
        == 200
    )
    client.force_login(peer)
    response = client.patch(url, {"version": 1, "strengths": "B"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    plan.refresh_from_db()
    assert plan.strengths == "A"


def test_reviews_due_on_the_right_day_and_htmx_table(client, worker, peer, plan, episode, origin):
    from datetime import date

    from careplans.selectors import reviews_due

    episode.started_on = date(2026, 1, 31)
    episode.save()
    services.careplan_sign(careplan=plan, user=worker, plan_version=1, origin=origin)
    services.careplan_sign(careplan=plan, user=peer, plan_version=1, origin=origin)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="agree",
        in_their_words="",
        responded_on=date(2026, 2, 3),
        origin=origin,
    )

    def listed(today):
        return [
            (r.client.pk, r.next.month, r.next.due_on, r.next.status)
            for r in reviews_due(user=worker, today=today, mine=True)
        ]

    cid = episode.client_id
    assert listed(date(2026, 4, 10)) == []
    assert listed(date(2026, 4, 30)) == [(cid, 3, date(2026, 4, 30), "due")]
    assert listed(date(2026, 5, 1)) == [(cid, 3, date(2026, 4, 30), "overdue")]
    # The supervisor's overdue list, loaded with htmx into the team page.
    client.force_login(worker)
    table = client.get(
        reverse("careplans:reviews-due") + "?status=overdue&scope=team", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert table.startswith('<div class="careplan-reviews">')
    assert "Maria Ivanova" in table and "Month 3 review" in table and "overdue" in table


def test_crisis_sheet_stays_on_one_page_with_long_answers(
    client, worker, plan, team_client, tmp_path, origin
):
    long = "Много дълъг текст за кризисния план, написан от клиента. " * 20
    fields = {f: long for f in services.ADVANCE_FIELDS if f != "legally_binding"}
    fields["preferred_hospitals"] = fields["refused_hospitals"] = long[:300]
    people = [SupportPersonFactory(client=team_client, phone="0888 000 000") for _ in range(4)]
    services.advance_statement_save(
        careplan=plan,
        author=worker,
        expected_version=1,
        crisis_contacts=people,
        origin=origin,
        **fields,
    )
    consent = ConsentFactory(client=team_client)
    client.force_login(worker)
    response = client.post(_url("crisis-sheet", plan), {"consent": consent.pk})
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)


def test_history_page_queries_do_not_grow(client, worker, plan, django_assert_num_queries, origin):
    client.force_login(worker)
    url = _url("careplan-history", plan)
    client.get(url)
    # session, user, plan, audit insert, history (+users), comments,
    # session refresh (savepoint, update, release)
    with django_assert_num_queries(9) as first:
        client.get(url)
    for i in range(6):
        services.careplan_update(
            careplan=plan,
            author=worker,
            expected_version=plan.version,
            strengths=f"v{i}",
            origin=origin,
        )
        plan.refresh_from_db()
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_goal_added_from_a_stale_page_is_a_conflict_and_kept_for_merging(worker, peer, plan):
    first, second = HttpClient(), HttpClient()
    first.force_login(worker)
    second.force_login(peer)
    url = _url("goal-create", plan)
    first.post(
        url,
        {"version": 1, "domain": "documents", "in_their_words": "Лична карта", "status": "open"},
    )
    clash = second.post(
        url, {"version": 1, "domain": "work", "in_their_words": "Работа", "status": "open"}
    )
    assert clash.status_code == 409
    page = clash.content.decode()
    assert "Лична карта" in page and "Работа" in page
    assert list(plan.goals.values_list("in_their_words", flat=True)) == ["Лична карта"]
    again = second.post(
        url, {"version": 2, "domain": "work", "in_their_words": "Работа", "status": "open"}
    )
    assert again.status_code == 302
    assert plan.goals.count() == 2


def test_easy_read_follows_the_clients_language_not_the_workers(client, worker, plan, team_client):
    team_client.preferred_language = "en"
    team_client.save()
    client.force_login(worker)
    page = client.get(_url("careplan-easyread", plan), HTTP_ACCEPT_LANGUAGE="bg").content
    assert "What matters to me" in page.decode()
    team_client.preferred_language = "bg"
    team_client.save()
    page = client.get(_url("careplan-easyread", plan)).content.decode()
    assert "Какво е важно за мен" in page


def test_a_goal_form_sent_twice_adds_one_goal(client, worker, plan):
    import re

    from outreach.submissions import FIELD

    client.force_login(worker)
    url = _url("goal-create", plan)
    token = re.search(rf'name="{FIELD}" value="([0-9a-f-]+)"', client.get(url).content.decode())
    payload = {
        "version": plan.version,
        "domain": "documents",
        "in_their_words": "Лична карта",
        "status": "open",
        FIELD: token.group(1),
    }
    assert client.post(url, payload).status_code == 302
    second = client.post(url, payload, follow=True)
    assert plan.goals.count() == 1
    assert "Already saved" in second.content.decode()
