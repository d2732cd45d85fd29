from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from outreach.models import AuditEvent
from referrals import services
from referrals.models import CriteriaVersion, Criterion, ReferralScore, Status
from tests.factories import ReferralFactory
from tests.referrals.conftest import ELIGIBLE_SCORE


def test_default_set_ships_the_target_group_criteria(default_criteria):
    codes = set(default_criteria.criteria.values_list("code", flat=True))
    assert {
        "adult",
        "severe_mental_illness",
        "no_income",
        "no_documents",
        "housing",
        "no_close_relatives",
        "admissions",
        "hard_to_engage",
        "substance_use",
        "eviction_risk",
        "children_at_home",
    } <= codes


def test_score_explanation_for_a_known_answer_set(default_criteria, answers, coordinator, origin):
    referral = ReferralFactory(municipality=coordinator.municipality)
    result = services.referral_screen(
        referral=referral, actor=coordinator, answers=answers, origin=origin
    )
    assert result.score == ELIGIBLE_SCORE
    assert result.eligible is True
    points = {item["code"]: item["points"] for item in result.explanation}
    assert points["housing"] == 3
    assert points["admissions"] == 3
    assert points["no_income"] == 2
    assert points["hard_to_engage"] == 2
    assert points["no_close_relatives"] == 1
    assert points["eviction_risk"] == 0
    housing = next(i for i in result.explanation if i["code"] == "housing")
    assert housing["answer"] == "street" and housing["answer_label"] == "Homeless (street)"
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING
    assert referral.score == ELIGIBLE_SCORE
    assert referral.criteria_version == default_criteria
    assert AuditEvent.objects.filter(action="referral.screen", object_id=str(referral.pk)).exists()


def test_required_no_or_excluding_yes_makes_ineligible(
    default_criteria, answers, coordinator, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    answers["outside_area"] = "yes"
    result = services.referral_screen(
        referral=referral, actor=coordinator, answers=answers, origin=origin
    )
    assert result.eligible is False
    answers["outside_area"] = "no"
    answers["adult"] = "no"
    result = services.referral_screen(
        referral=referral, actor=coordinator, answers=answers, origin=origin
    )
    assert result.eligible is False


def test_missing_required_answer_is_refused_and_nothing_saved(
    default_criteria, answers, coordinator, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    answers["severe_mental_illness"] = ""
    with pytest.raises(ValidationError) as exc:
        services.referral_screen(
            referral=referral, actor=coordinator, answers=answers, origin=origin
        )
    assert "severe_mental_illness" in exc.value.message_dict
    assert not ReferralScore.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED and referral.score is None


def _new_version_with_heavier_housing(municipality, source: CriteriaVersion) -> CriteriaVersion:
    version = CriteriaVersion.objects.create(municipality=municipality, version=1)
    for c in source.criteria.all():
        options = c.options
        if c.code == "housing":
            options = [dict(o, points=o["points"] * 2) for o in c.options]
        Criterion.objects.create(
            version=version,
            code=c.code,
            question=c.question,
            kind=c.kind,
            role=c.role,
            points=c.points,
            options=options,
            order=c.order,
        )
    return version


def test_weights_change_leaves_old_scores_and_rescore_records_a_new_one(
    default_criteria, answers, coordinator, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    first = services.referral_screen(
        referral=referral, actor=coordinator, answers=answers, origin=origin
    )
    new_version = _new_version_with_heavier_housing(coordinator.municipality, default_criteria)

    first.refresh_from_db()
    referral.refresh_from_db()
    assert first.score == ELIGIBLE_SCORE and first.version == default_criteria
    assert referral.score == ELIGIBLE_SCORE  # a weights change alone changes no score

    second = services.referral_rescore(referral=referral, actor=coordinator, origin=origin)
    assert second.version == new_version
    assert second.score == ELIGIBLE_SCORE + 3
    first.refresh_from_db()
    assert first.score == ELIGIBLE_SCORE  # the old score and its explanation stay
    assert {s.pk for s in referral.scores.all()} == {first.pk, second.pk}
    referral.refresh_from_db()
    assert referral.score == ELIGIBLE_SCORE + 3 and referral.criteria_version == new_version
    assert AuditEvent.objects.filter(action="referral.rescore", object_id=str(referral.pk)).exists()


def test_rescore_with_a_new_required_question_asks_to_screen_again(
    default_criteria, answers, coordinator, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    version = _new_version_with_heavier_housing(coordinator.municipality, default_criteria)
    Criterion.objects.create(version=version, code="consent", question="Agrees?", role="required")
    with pytest.raises(ValidationError) as exc:
        services.referral_rescore(referral=referral, actor=coordinator, origin=origin)
    assert exc.value.code == "rescore_incomplete"
    assert referral.scores.count() == 1


def test_the_explanation_reads_in_the_readers_language(
    client, default_criteria, answers, coordinator, origin
):
    referral = ReferralFactory(municipality=coordinator.municipality)
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Къде живее лицето?" in body and "Бездомен (на улицата)" in body
    assert "Where does the person live?" not in body and "Homeless (street)" not in body
