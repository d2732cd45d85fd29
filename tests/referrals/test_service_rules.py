"""The team and tandem rules of a referral's decision, and who answers a duplicate check,
asked by calling the services directly (the decide page's form offers only allowed choices)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from referrals import services
from referrals.models import CheckStatus, DuplicateCheck, Status
from tests import db_state
from tests.factories import (
    ClientFactory,
    EpisodeFactory,
    MunicipalityFactory,
    ReferralFactory,
    TandemFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def screened(team, coordinator, default_criteria, answers, origin):
    referral = ReferralFactory(municipality=team.municipality, given_name="Ivan")
    services.referral_screen(referral=referral, actor=coordinator, answers=answers, origin=origin)
    return referral


def _accept(referral, actor, team, tandem, origin):
    return services.referral_accept(
        referral=referral, actor=actor, team=team, tandem=tandem, new_client=True, origin=origin
    )


def test_a_referral_goes_only_to_a_team_of_its_municipality(screened, supervisor, origin):
    elsewhere = TeamFactory(municipality=MunicipalityFactory(name="Varna", slug="varna"))
    tandem = TandemFactory(team=elsewhere)
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        _accept(screened, supervisor, elsewhere, tandem, origin)
    assert exc.value.error_dict["team"][0].code == "team_elsewhere"
    screened.refresh_from_db()
    assert screened.status == Status.SCREENING


@pytest.mark.parametrize("which", ["other_team", "ended", "none"])
def test_an_accepted_referral_goes_to_an_active_tandem_of_the_team(
    which, screened, supervisor, team, other_team, tandem, origin
):
    if which == "other_team":
        chosen = TandemFactory(team=other_team)
    elif which == "ended":
        chosen = TandemFactory(team=team, ended_on=date(2026, 1, 1))
    else:
        chosen = None
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        _accept(screened, supervisor, team, chosen, origin)
    assert exc.value.error_dict["tandem"][0].code == "tandem_required"
    accepted = _accept(screened, supervisor, team, tandem, origin)
    assert accepted.status == Status.ACCEPTED and accepted.client.tandem == tandem


@pytest.fixture
def open_check(team, tandem, coordinator, municipality, default_criteria, origin):
    client = ClientFactory(team=team, tandem=tandem, phone="0887111222")
    EpisodeFactory(client=client, tandem=tandem)
    referral = services.referral_submit(
        actor=coordinator,
        municipality=municipality,
        origin=origin,
        source="self",
        reasons="x",
        given_name="Boris",
        phone="0887 111 222",
    )
    return DuplicateCheck.objects.get(referral=referral, team=team)


@pytest.mark.parametrize("who", ["inactive_supervisor", "outside_supervisor", "partner", "admin"])
def test_only_an_active_supervisor_of_the_team_answers_a_check(
    who, open_check, team, users_by_role, origin
):
    if who == "inactive_supervisor":
        user = UserFactory(role=users_by_role["supervisor"].role, teams=[team], is_active=False)
    else:
        user = users_by_role[who]
    with db_state.unchanged(), pytest.raises(PermissionDenied):
        services.duplicate_check_resolve(
            check=open_check, actor=user, status=CheckStatus.DIFFERENT, origin=origin
        )


def test_the_supervisor_of_the_team_answers_a_check(open_check, supervisor, origin):
    services.duplicate_check_resolve(
        check=open_check, actor=supervisor, status=CheckStatus.DIFFERENT, origin=origin
    )
    assert DuplicateCheck.objects.get(pk=open_check.pk).status == CheckStatus.DIFFERENT
