"""Issue 15: matching a referral never discloses a client to someone who may not open them.

A coordinator, or a supervisor of another team, who submits a probe (a phone number only, or a
name and a birth date) learns only that a possible match needs checking by that team's
supervisor; the check is routed to that supervisor, accepting waits for the answer, and every
probe is on the matched client's audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import AuditEvent, Client, Episode
from referrals import selectors, services
from referrals.models import CheckStatus, DuplicateCheck, Referral, Status
from tests.factories import (
    ClientFactory,
    EpisodeFactory,
    ReferralFactory,
    TandemFactory,
    make_origin,
)

BIRTH = date(1971, 2, 3)
# The ways a birth date could be printed (ISO, the English and the Bulgarian short formats).
BIRTH_SPELLINGS = ("1971-02-03", "02/03/1971", "03.02.1971", "Feb. 3, 1971", "3 February 1971")
PROBES = {
    "phone": {"phone": "+359 887 111 222"},
    "name_and_birth_date": {"given_name": "Stoyan", "birth_date": BIRTH.isoformat()},
}


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def hidden(team, tandem):
    """A client of `team` in care now: the coordinator and other teams may not open them."""
    client = ClientFactory(
        team=team,
        tandem=tandem,
        given_name="Stoyan",
        family_name="Karaivanov",
        birth_date=BIRTH,
        phone="0887111222",
    )
    EpisodeFactory(client=client, tandem=tandem)
    return client


@pytest.fixture
def prober(request, coordinator, outside_supervisor):
    return {"coordinator": coordinator, "outside_supervisor": outside_supervisor}[request.param]


def _submit(client, user, probe: dict[str, str]) -> Referral:
    client.force_login(user)
    before = set(Referral.objects.values_list("pk", flat=True))
    data = {
        "source": "self",
        "sex": "unknown",
        "reasons": "Asked about by a neighbour.",
        "received_at": _local(timezone.now() - timedelta(minutes=5)),
        **probe,
    }
    response = client.post(reverse("referrals:referral-create"), data)
    assert response.status_code == 302, response.content.decode()
    return Referral.objects.exclude(pk__in=before).get()


def _screen(referral, user, answers, origin):
    services.referral_screen(referral=referral, actor=user, answers=answers, origin=origin)


def _accept(http, referral, tandem, **extra):
    return http.post(
        reverse("referrals:referral-decide", args=[referral.pk]),
        {
            "decision": "accept",
            "team": tandem.team.pk,
            "tandem": tandem.pk,
            "decided_at": _local(timezone.now()),
            **extra,
        },
    )


def _assert_not_disclosed(body: str, hidden: Client, probe: str) -> None:
    assert hidden.family_name not in body
    assert hidden.full_name not in body
    assert hidden.code not in body
    assert f'name="client" value="{hidden.pk}"' not in body
    assert "in care now" not in body
    if probe == "phone":
        # The prober typed only the phone: nothing else of the record may come back.
        assert hidden.given_name not in body
        assert not any(spelling in body for spelling in BIRTH_SPELLINGS)
    else:
        assert hidden.phone not in body


# --- Through the user's path: pages and API ---------------------------------------------------


@pytest.mark.parametrize("prober", ["coordinator", "outside_supervisor"], indirect=True)
@pytest.mark.parametrize("probe", PROBES)
def test_a_probe_learns_only_that_a_check_is_pending(
    client, prober, probe, hidden, team, other_team, default_criteria, answers, origin
):
    control = _submit(client, prober, {"phone": "+359 999 000 111"})  # matches nobody
    referral = _submit(client, prober, PROBES[probe])
    control_page = client.get(reverse("referrals:referral-decide", args=[control.pk]))
    page = client.get(reverse("referrals:referral-decide", args=[referral.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    _assert_not_disclosed(body, hidden, probe)
    # The matching team is named no more often than on a page without any match (the team
    # choice and the capacity table list every team of the municipality).
    assert body.count(team.name) == control_page.content.decode().count(team.name)
    assert "needs checking by that team's supervisor" in body
    assert (
        "may be this person" not in body and "needs checking" not in control_page.content.decode()
    )

    # The check is routed to the matching team, and the probe is on the client's trail.
    check = DuplicateCheck.objects.get(referral=referral)
    assert check.team == team and check.status == CheckStatus.OPEN and check.opened_by == prober
    assert AuditEvent.objects.filter(
        action="referral.duplicates_view", client=hidden, actor=prober, detail__shown=False
    ).exists()
    assert AuditEvent.objects.filter(
        action="referral.duplicate_check_open", object_id=str(check.pk), actor=prober
    ).exists()

    # Accepting waits; picking the hidden client by its id is an invalid choice like any other.
    _screen(referral, prober, answers, origin)
    tandem = TandemFactory(team=other_team)
    clients_before = Client.objects.count()
    for extra in ({}, {"client": "new"}, {"client": str(hidden.pk)}):
        response = _accept(client, referral, tandem, **extra)
        assert response.status_code == 200
        _assert_not_disclosed(response.content.decode(), hidden, probe)
    assert "Accepting waits for their answer" in _accept(client, referral, tandem).content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING and Client.objects.count() == clients_before

    # The referral API says nothing either, in a read, the list or the answer to a POST.
    api_bodies = [
        client.get(f"/api/v1/referrals/{referral.pk}/").content.decode(),
        client.get("/api/v1/referrals/").content.decode(),
        client.post(
            "/api/v1/referrals/",
            {"source": "self", "reasons": "Again.", **PROBES[probe]},
            content_type="application/json",
        ).content.decode(),
    ]
    for api in api_bodies:
        _assert_not_disclosed(api, hidden, probe)
        assert team.name not in api


def test_the_matching_teams_supervisor_sees_the_check_and_answers_not_the_same(
    client, coordinator, supervisor, hidden, team, other_team, default_criteria, answers, origin
):
    # A phone number and a given name (a new client needs one) of someone else.
    referral = _submit(client, coordinator, {"given_name": "Boris", **PROBES["phone"]})
    _screen(referral, coordinator, answers, origin)

    client.force_login(supervisor)
    listing = client.get(reverse("referrals:referral-list")).content.decode()
    assert "One referral may be a client of your team" in listing
    checks = client.get(reverse("referrals:duplicatecheck-list")).content.decode()
    check = DuplicateCheck.objects.get(referral=referral)
    assert check.get_absolute_url() in checks and team.name in checks
    page = client.get(check.get_absolute_url()).content.decode()
    # The supervisor may open the client: the full candidate, and what matched.
    assert hidden.full_name in page and hidden.code in page and "in care now" in page
    assert '<td data-label="Matched on">phone</td>' in page and "+359 887 111 222" in page
    assert AuditEvent.objects.filter(
        action="referral.duplicate_check_view", object_id=str(check.pk), actor=supervisor
    ).exists()

    response = client.post(
        check.get_absolute_url(), {"answer": "different", "note": "Older."}, follow=True
    )
    assert "Recorded: not the same person" in response.content.decode()
    check.refresh_from_db()
    assert check.status == CheckStatus.DIFFERENT and check.resolved_by == supervisor
    assert AuditEvent.objects.filter(
        action="referral.duplicate_check_resolve", object_id=str(check.pk), actor=supervisor
    ).exists()
    assert (
        check.get_absolute_url()
        not in client.get(reverse("referrals:duplicatecheck-list")).content.decode()
    )

    # The coordinator may now accept the referral as a new person, still without learning who.
    client.force_login(coordinator)
    body = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert "not the same person" in body
    _assert_not_disclosed(body, hidden, "phone")
    assert "Older." not in body  # the supervisor's note stays with their team
    tandem = TandemFactory(team=other_team)
    assert _accept(client, referral, tandem).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.client != hidden


def test_same_person_keeps_the_accept_with_the_matching_team(
    client, coordinator, supervisor, hidden, team, tandem, default_criteria, answers, origin
):
    Episode.objects.filter(client=hidden).update(
        ended_on=timezone.localdate() - timedelta(days=30), discharge_reason="client_ended"
    )
    referral = _submit(client, coordinator, PROBES["name_and_birth_date"])
    _screen(referral, coordinator, answers, origin)
    check = DuplicateCheck.objects.get(referral=referral)

    client.force_login(supervisor)
    response = client.post(check.get_absolute_url(), {"answer": str(hidden.pk)}, follow=True)
    decide = reverse("referrals:referral-decide", args=[referral.pk])
    assert response.redirect_chain == [(decide, 302)]
    assert "the referred person is Stoyan Karaivanov" in response.content.decode()
    check.refresh_from_db()
    assert check.status == CheckStatus.SAME and check.client == hidden

    client.force_login(coordinator)
    body = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert "known to their team" in body
    _assert_not_disclosed(body, hidden, "name_and_birth_date")
    refused = _accept(client, referral, tandem, client="new").content.decode()
    assert "that team accepts the referral" in refused
    _assert_not_disclosed(refused, hidden, "name_and_birth_date")

    # The matching team's supervisor sees the full candidate and links the record.
    client.force_login(supervisor)
    body = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert f"{hidden.full_name} · {hidden.code} · {team.name}" in body
    assert f'name="client" value="{hidden.pk}"' in body and "needs checking" not in body
    assert _accept(client, referral, tandem, client=str(hidden.pk)).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.client == hidden


def test_the_check_is_only_for_the_matching_teams_supervisors(
    client, coordinator, outside_supervisor, partner, supervisor, hidden, origin
):
    referral = _submit(client, coordinator, PROBES["phone"])
    check = DuplicateCheck.objects.get(referral=referral)
    for user in (coordinator, outside_supervisor, partner):
        client.force_login(user)
        assert client.get(check.get_absolute_url()).status_code == 404
        assert client.post(check.get_absolute_url(), {"answer": "different"}).status_code == 404
        listing = client.get(reverse("referrals:duplicatecheck-list"))
        assert check.get_absolute_url() not in listing.content.decode()
    check.refresh_from_db()
    assert check.status == CheckStatus.OPEN
    client.force_login(coordinator)
    assert client.get(reverse("referrals:duplicatecheck-list")).status_code == 404
    client.force_login(outside_supervisor)
    assert client.get(reverse("referrals:duplicatecheck-list")).status_code == 200


def test_partners_and_submitters_never_see_candidates(client, partner, outsider, hidden):
    for user in (partner, outsider):  # outsider: a worker of another team, taking a phone call
        data = {"source": "gp", "sex": "unknown", "reasons": "x", **PROBES["phone"]}
        client.force_login(user)
        if user is not partner:
            data["received_at"] = _local(timezone.now() - timedelta(minutes=5))
        response = client.post(reverse("referrals:referral-create"), data, follow=True)
        assert response.status_code == 200
        referral = Referral.objects.get(submitted_by=user)
        assert DuplicateCheck.objects.filter(referral=referral).exists()  # routed all the same
        decide = reverse("referrals:referral-decide", args=[referral.pk])
        assert client.get(decide).status_code == 404
        pages = [
            response.content.decode(),
            client.get(referral.get_absolute_url()).content.decode(),
            client.get(reverse("referrals:referral-list")).content.decode(),
            client.get(f"/api/v1/referrals/{referral.pk}/").content.decode(),
        ]
        for body in pages:
            _assert_not_disclosed(body, hidden, "phone")
            assert "needs checking" not in body and "possible match" not in body.lower()


def test_a_client_added_after_submission_is_checked_when_the_decide_page_opens(
    client, coordinator, team, default_criteria, answers, origin
):
    referral = _submit(client, coordinator, PROBES["phone"])
    assert not DuplicateCheck.objects.filter(referral=referral).exists()
    later = ClientFactory(team=team, phone="0887 111 222")
    body = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert DuplicateCheck.objects.filter(referral=referral, team=team).exists()
    assert "needs checking" in body and later.code not in body


# --- Services and selectors called directly --------------------------------------------------


@pytest.fixture
def phone_probe(municipality, coordinator, hidden, default_criteria, answers, origin):
    referral = services.referral_submit(
        actor=coordinator,
        municipality=municipality,
        origin=origin,
        source="self",
        reasons="x",
        given_name="Boris",
        phone="0887 111 222",
    )
    _screen(referral, coordinator, answers, origin)
    return referral


def _accept_service(referral, actor, tandem, origin, **extra):
    return services.referral_accept(
        referral=referral, actor=actor, team=tandem.team, tandem=tandem, origin=origin, **extra
    )


def test_submitting_opens_one_check_per_matching_team(
    municipality, coordinator, hidden, team, other_team, origin
):
    ClientFactory(team=other_team, phone="+359887111222")
    referral = services.referral_submit(
        actor=coordinator,
        municipality=municipality,
        origin=origin,
        source="self",
        reasons="x",
        phone="887111222",
    )
    checks = DuplicateCheck.objects.filter(referral=referral)
    assert {c.team for c in checks} == {team, other_team}
    assert all(c.status == CheckStatus.OPEN and c.opened_by == coordinator for c in checks)
    assert services.duplicate_checks_open(referral=referral, actor=coordinator, origin=origin) == []
    assert AuditEvent.objects.filter(action="referral.duplicate_check_open").count() == 2


def test_matches_show_only_clients_the_user_may_open(
    phone_probe, hidden, coordinator, supervisor, outside_supervisor
):
    for user in (coordinator, outside_supervisor):
        matches = selectors.duplicate_matches(user=user, referral=phone_probe)
        assert matches.candidates == [] and matches.hold == CheckStatus.OPEN
        assert matches.hidden_ids == [hidden.pk]
    mine = selectors.duplicate_matches(user=supervisor, referral=phone_probe)
    assert mine.candidates == [hidden] and mine.hold == "" and mine.hidden_ids == []
    assert mine.candidates[0].matched == ["phone"] and mine.candidates[0].in_care


def test_accept_waits_for_an_open_check(phone_probe, hidden, coordinator, other_team, origin):
    tandem = TandemFactory(team=other_team)
    for extra in ({}, {"new_client": True}):
        with pytest.raises(ValidationError) as exc:
            _accept_service(phone_probe, coordinator, tandem, origin, **extra)
        assert exc.value.code == "duplicate_check_open"
        assert "Karaivanov" not in str(exc.value) and hidden.code not in str(exc.value)
    phone_probe.refresh_from_db()
    assert phone_probe.status == Status.SCREENING


def test_a_missing_check_holds_like_an_open_one(phone_probe, team, other_team, coordinator, origin):
    tandem = TandemFactory(team=other_team)
    ClientFactory(team=team, phone="0887111222")
    DuplicateCheck.objects.filter(referral=phone_probe).delete()
    with pytest.raises(ValidationError) as exc:
        _accept_service(phone_probe, coordinator, tandem, origin, new_client=True)
    assert exc.value.code == "duplicate_check_open"


def test_same_refuses_the_accept_different_releases_it(
    phone_probe, hidden, supervisor, coordinator, other_team, origin
):
    check = DuplicateCheck.objects.get(referral=phone_probe)
    services.duplicate_check_resolve(
        check=check, actor=supervisor, status=CheckStatus.SAME, client=hidden, origin=origin
    )
    tandem = TandemFactory(team=other_team)
    with pytest.raises(ValidationError) as exc:
        _accept_service(phone_probe, coordinator, tandem, origin, new_client=True)
    assert exc.value.code == "duplicate_check_same"

    services.duplicate_check_resolve(
        check=check, actor=supervisor, status=CheckStatus.DIFFERENT, origin=origin
    )
    # Cleared as not the same person: still never linkable by someone who may not open it.
    with pytest.raises(ValidationError) as exc:
        _accept_service(phone_probe, coordinator, tandem, origin, link_client=hidden)
    assert exc.value.error_dict["client"][0].code == "not_a_candidate"
    referral = _accept_service(phone_probe, coordinator, tandem, origin, new_client=True)
    assert referral.status == Status.ACCEPTED and referral.client != hidden
    events = AuditEvent.objects.filter(action="referral.duplicate_check_resolve")
    assert events.count() == 2 and events.filter(client=hidden).count() == 1


def test_only_a_supervisor_of_the_team_answers_a_check(
    phone_probe, hidden, coordinator, outside_supervisor, worker, origin
):
    check = DuplicateCheck.objects.get(referral=phone_probe)
    for user in (coordinator, outside_supervisor, worker):
        with pytest.raises(PermissionDenied):
            services.duplicate_check_resolve(
                check=check, actor=user, status=CheckStatus.DIFFERENT, origin=origin
            )
    check.refresh_from_db()
    assert check.status == CheckStatus.OPEN and not AuditEvent.objects.filter(
        action="referral.duplicate_check_resolve"
    )


def test_same_names_one_of_the_teams_matching_clients(
    phone_probe, hidden, supervisor, team, other_team, origin
):
    check = DuplicateCheck.objects.get(referral=phone_probe)
    not_matching = ClientFactory(team=team, phone="0888000000")
    elsewhere = ClientFactory(team=other_team, phone="0887111222")
    for client in (None, not_matching, elsewhere):
        with pytest.raises(ValidationError) as exc:
            services.duplicate_check_resolve(
                check=check,
                actor=supervisor,
                status=CheckStatus.SAME,
                client=client,
                origin=origin,
            )
        assert exc.value.error_dict["client"][0].code == "client_required"
    with pytest.raises(ValidationError) as exc:
        services.duplicate_check_resolve(
            check=check, actor=supervisor, status="maybe", origin=origin
        )
    assert "status" in exc.value.error_dict


def test_a_decided_referral_is_not_checked_any_more(
    phone_probe, hidden, supervisor, coordinator, origin
):
    check = DuplicateCheck.objects.get(referral=phone_probe)
    services.referral_decline(
        referral=phone_probe, actor=coordinator, reason="Moved.", origin=origin
    )
    with pytest.raises(ValidationError) as exc:
        services.duplicate_check_resolve(
            check=check, actor=supervisor, status=CheckStatus.DIFFERENT, origin=origin
        )
    assert exc.value.code == "already_decided"
    assert list(selectors.duplicate_check_list(user=supervisor)) == []
    DuplicateCheck.objects.all().delete()
    phone_probe.refresh_from_db()
    opened = services.duplicate_checks_open(referral=phone_probe, actor=coordinator, origin=origin)
    assert opened == [] and not DuplicateCheck.objects.exists()


def test_check_list_is_the_supervisors_teams_open_checks(
    phone_probe,
    hidden,
    supervisor,
    outside_supervisor,
    municipality,
    coordinator,
    other_team,
    origin,
):
    assert [c.referral for c in selectors.duplicate_check_list(user=supervisor)] == [phone_probe]
    assert list(selectors.duplicate_check_list(user=outside_supervisor)) == []
    assert list(selectors.duplicate_check_list(user=coordinator)) == []
    decided = ReferralFactory(municipality=municipality, phone="0887111222", status="declined")
    DuplicateCheck.objects.create(referral=decided, team=hidden.team)
    assert [c.referral for c in selectors.duplicate_check_list(user=supervisor)] == [phone_probe]


def test_a_check_shows_only_its_own_teams_clients(phone_probe, hidden, supervisor, other_team):
    """A supervisor of two teams answers each team's check about that team's clients."""
    supervisor.teams.add(other_team)
    also = ClientFactory(team=other_team, phone="0887111222")
    check = DuplicateCheck.objects.get(referral=phone_probe, team=hidden.team)
    assert selectors.duplicate_check_candidates(user=supervisor, check=check) == [hidden]
    services.duplicate_checks_open(referral=phone_probe, actor=supervisor, origin=make_origin())
    theirs = DuplicateCheck.objects.get(referral=phone_probe, team=other_team)
    assert selectors.duplicate_check_candidates(user=supervisor, check=theirs) == [also]


@pytest.mark.parametrize("n", [2, 12])
def test_check_list_queries_are_constant(
    client, supervisor, hidden, coordinator, n, origin, django_assert_num_queries
):
    for _ in range(n):
        services.referral_submit(
            actor=coordinator,
            municipality=hidden.team.municipality,
            origin=origin,
            source="self",
            reasons="x",
            phone=hidden.phone,
        )
    client.force_login(supervisor)
    # session, user, checks (+ referral, municipality, submitter, team, asker), audit insert,
    # emergency uses waiting for review (the menu's count), then the session save of the idle
    # timeout (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("referrals:duplicatecheck-list"))
    assert response.content.decode().count('<td class="primary">') == n


def test_check_page_query_count(client, supervisor, phone_probe, django_assert_num_queries):
    check = DuplicateCheck.objects.get(referral=phone_probe)
    client.force_login(supervisor)
    # session, user, check (+ referral, municipality, submitter, team, asker, answerer),
    # audit of the read, phones ending alike, candidates (+ team, in care), audit per
    # candidate (one here), emergency uses waiting for review (the menu's count), session save
    # (savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(check.get_absolute_url())
    assert response.status_code == 200
