"""Versions, sign-off and the client's agreement, the advance statement, reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from careplans import services
from careplans.diff import versions_diff
from careplans.models import CarePlan, ClientResponse, PlanAgreement, PlanReview
from outreach.models import AuditEvent, SupportPerson
from tests.factories import SupportPersonFactory, make_origin


def _sign_both(plan, worker, peer):
    services.careplan_sign(
        careplan=plan, user=worker, plan_version=plan.version, origin=make_origin()
    )
    services.careplan_sign(
        careplan=plan, user=peer, plan_version=plan.version, origin=make_origin()
    )


def test_every_save_is_a_version_with_goals_and_advance_statement(plan, worker, peer, origin):
    services.careplan_update(
        careplan=plan,
        author=worker,
        expected_version=1,
        what_matters="Искам да живея сама, близо до сестра си.",
        domains={"housing": "Живея в приют."},
        origin=origin,
    )
    goal = services.goal_save(
        careplan=plan,
        author=peer,
        expected_version=2,
        domain="housing",
        in_their_words="Стая под наем до лятото",
        origin=origin,
    )
    services.action_add(
        goal=goal,
        author=worker,
        expected_version=3,
        what="Ask the municipal housing office",
        who="tandem",
        staff=worker,
        due_on=timezone.localdate() + timedelta(days=30),
        origin=origin,
    )
    services.advance_statement_save(
        careplan=plan,
        author=worker,
        expected_version=4,
        early_signs="Не спя",
        what_helps="Тишина",
        origin=origin,
    )
    plan.refresh_from_db()
    assert plan.version == 5
    versions = {h.version: h for h in plan.history.all()}
    assert sorted(versions) == [1, 2, 3, 4, 5]
    assert versions[3].history_user == peer
    assert versions[3].history_change_reason == "Goal added"

    rows = {r.label: r for r in versions_diff(versions[1], versions[5])}
    assert rows["What matters to me"].old == "Искам да живея <del>сама.</del>"
    assert rows["What matters to me"].new == "Искам да живея <ins>сама, близо до сестра си.</ins>"
    assert "Живея в приют." in rows["Life domain: Housing"].new
    goal_row = rows["Goal (Housing)"]
    assert goal_row.kind == "added"
    assert "Стая под наем до лятото" in goal_row.new
    assert "Ask the municipal housing office" in goal_row.new
    assert "Не спя" in rows["Advance statement: Early signs"].new
    # Between two neighbouring versions only what changed shows.
    assert [r.label for r in versions_diff(versions[4], versions[5])] == [
        "Advance statement: Early signs",
        "Advance statement: What helps",
        "Advance statement: Legally binding",
    ]
    assert AuditEvent.objects.filter(action="goal.create", client=plan.client).count() == 1


def test_stale_version_raises_conflict_and_saves_nothing(plan, worker, peer, origin):
    services.careplan_update(
        careplan=plan, author=peer, expected_version=1, strengths="Пее", origin=origin
    )
    with pytest.raises(services.CarePlanConflict) as exc:
        services.careplan_update(
            careplan=plan, author=worker, expected_version=1, strengths="Рисува", origin=origin
        )
    assert exc.value.current.version == 2
    plan.refresh_from_db()
    assert plan.strengths == "Пее"
    assert plan.history.count() == 2


def test_agreed_only_when_both_signed_and_client_agrees(plan, worker, peer, episode, origin):
    today = timezone.localdate()
    services.careplan_sign(careplan=plan, user=worker, plan_version=1, origin=origin)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="agree",
        in_their_words="Да, така е.",
        responded_on=today,
        origin=origin,
    )
    assert not PlanAgreement.objects.exists()
    services.careplan_sign(careplan=plan, user=peer, plan_version=1, origin=origin)
    agreement = PlanAgreement.objects.get()
    assert (agreement.client, agreement.agreed_on, agreement.kind, agreement.plan_version) == (
        plan.client,
        today,
        PlanAgreement.Kind.FIRST,
        1,
    )
    # A new version needs new sign-offs; the second agreement is a review.
    services.careplan_update(
        careplan=plan, author=worker, expected_version=1, strengths="Готви", origin=origin
    )
    plan.refresh_from_db()
    state = services.version_state(plan, plan.signoffs.all(), plan.responses.all())
    assert not state["agreed"] and state["missing"] == {worker.pk, peer.pk}
    _sign_both(plan, worker, peer)
    services.careplan_respond(
        careplan=plan,
        author=peer,
        plan_version=2,
        answer="agree",
        in_their_words="",
        responded_on=today,
        origin=origin,
    )
    assert sorted(PlanAgreement.objects.values_list("kind", "plan_version")) == [
        ("first", 1),
        ("review", 2),
    ]


def test_disagreement_is_recorded_with_reasons_and_is_no_agreement(plan, worker, peer, origin):
    _sign_both(plan, worker, peer)
    with pytest.raises(ValidationError) as exc:
        services.careplan_respond(
            careplan=plan,
            author=worker,
            plan_version=1,
            answer="disagree",
            in_their_words=" ",
            responded_on=timezone.localdate(),
            origin=origin,
        )
    assert "in_their_words" in exc.value.message_dict
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="disagree",
        in_their_words="Не искам да ходя в болница.",
        responded_on=timezone.localdate(),
        origin=origin,
    )
    response = ClientResponse.objects.get()
    assert response.in_their_words == "Не искам да ходя в болница."
    assert not PlanAgreement.objects.exists()
    assert services.version_state(plan, plan.signoffs.all(), plan.responses.all())["disagreed"]


def test_only_the_tandem_signs(plan, supervisor, origin):
    with pytest.raises(PermissionDenied):
        services.careplan_sign(careplan=plan, user=supervisor, plan_version=1, origin=origin)


def test_signing_an_old_version_is_a_conflict(plan, worker, origin):
    services.careplan_update(
        careplan=plan, author=worker, expected_version=1, strengths="x", origin=origin
    )
    with pytest.raises(services.CarePlanConflict):
        services.careplan_sign(careplan=plan, user=worker, plan_version=1, origin=origin)


def test_do_not_contact_person_is_refused_as_crisis_contact(plan, worker, team_client, origin):
    sister = SupportPersonFactory(client=team_client, name="Сестра")
    father = SupportPersonFactory(
        client=team_client, name="Баща", involvement=SupportPerson.Involvement.DO_NOT_CONTACT
    )
    with pytest.raises(ValidationError) as exc:
        services.advance_statement_save(
            careplan=plan,
            author=worker,
            expected_version=1,
            crisis_contacts=[sister, father],
            origin=origin,
        )
    assert "crisis_contacts" in exc.value.message_dict
    assert "Баща" in exc.value.message_dict["crisis_contacts"][0]
    plan.refresh_from_db()
    assert plan.version == 1
    assert not hasattr(plan, "advance_statement") or plan.advance_statement is None
    statement = services.advance_statement_save(
        careplan=plan, author=worker, expected_version=1, crisis_contacts=[sister], origin=origin
    )
    assert list(statement.crisis_contacts.all()) == [sister]


def test_other_clients_support_person_refused(plan, worker, origin):
    stranger = SupportPersonFactory()
    with pytest.raises(ValidationError):
        services.advance_statement_save(
            careplan=plan,
            author=worker,
            expected_version=1,
            crisis_contacts=[stranger],
            origin=origin,
        )


def test_review_needs_first_agreement_then_takes_month_3(plan, worker, peer, origin):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            careplan=plan,
            author=worker,
            expected_version=1,
            held_on=today,
            what_changed="...",
            origin=origin,
        )
    assert exc.value.code == "first_plan_not_agreed"
    _sign_both(plan, worker, peer)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="agree",
        in_their_words="",
        responded_on=today,
        origin=origin,
    )
    goal = services.goal_save(
        careplan=plan,
        author=worker,
        expected_version=1,
        domain="documents",
        in_their_words="Лична карта",
        origin=origin,
    )
    review = services.review_record(
        careplan=plan,
        author=worker,
        expected_version=2,
        held_on=today,
        what_changed="Got the ID card",
        goal_statuses={goal.pk: "achieved"},
        origin=origin,
    )
    assert review.month == 3
    plan.refresh_from_db()
    assert plan.version == 3 and review.plan_version == 3
    assert plan.goals.get().status == "achieved"
    assert PlanReview.objects.count() == 1


def test_review_date_before_episode_refused(plan, worker, peer, episode, origin):
    _sign_both(plan, worker, peer)
    services.careplan_respond(
        careplan=plan,
        author=worker,
        plan_version=1,
        answer="agree",
        in_their_words="",
        responded_on=timezone.localdate(),
        origin=origin,
    )
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            careplan=plan,
            author=worker,
            expected_version=1,
            held_on=episode.started_on - timedelta(days=1),
            what_changed="x",
            origin=origin,
        )
    assert "held_on" in exc.value.message_dict


def test_future_response_date_refused(plan, worker, origin):
    with pytest.raises(ValidationError):
        services.careplan_respond(
            careplan=plan,
            author=worker,
            plan_version=1,
            answer="agree",
            in_their_words="",
            responded_on=timezone.localdate() + timedelta(days=1),
            origin=origin,
        )


def test_comment_kept_with_its_version(plan, worker, origin):
    services.careplan_update(
        careplan=plan, author=worker, expected_version=1, strengths="x", origin=origin
    )
    comment = services.comment_add(
        careplan=plan,
        author=worker,
        plan_version=1,
        text="Първата версия ми харесваше.",
        made_on=timezone.localdate(),
        origin=origin,
    )
    assert comment.plan_version == 1
    with pytest.raises(ValidationError):
        services.comment_add(
            careplan=plan,
            author=worker,
            plan_version=9,
            text="?",
            made_on=timezone.localdate(),
            origin=origin,
        )


def test_a_team_worker_outside_the_tandem_cannot_edit(plan, team, origin):
    from tests.factories import UserFactory

    colleague = UserFactory(teams=[team])
    with pytest.raises(PermissionDenied):
        services.careplan_update(
            careplan=plan, author=colleague, expected_version=1, strengths="x", origin=origin
        )
    assert CarePlan.objects.get().version == 1


def test_diagnosis_is_optional(episode, worker, origin):
    plan = services.careplan_create(episode=episode, author=worker, origin=origin)
    assert plan.diagnosis == "" and plan.pk
