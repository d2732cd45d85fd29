"""A service that writes several rows writes all of them or none: its audit event is the last
write, so an audit that fails must undo the record's rows too (`@transaction.atomic`).

Each case calls a service directly with the audit helper made to fail, then compares every
table (tests/db_state.py) with what it held before the call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from careplans import services as plan_services
from outreach import audit
from outreach import services as core_services
from outreach.caserecord import services as event_services
from outreach.models import AuditEvent, Crisis, DischargeReason
from referrals import services as referral_services
from referrals.models import CriteriaVersion
from tests import db_state
from tests.factories import ContactFactory, ReferralFactory, TandemFactory
from tests.referrals.conftest import ELIGIBLE_ANSWERS

DEFAULT_CRITERIA = importlib.import_module("referrals.migrations.0002_default_criteria")


class AuditDown(Exception):
    """The audit log could not be written."""


# Each case prepares what the call needs (written before the comparison) and returns the call.
def _client_update(c):
    other = TandemFactory(team=c["team"])
    return lambda: core_services.client_update(
        client=c["client"], actor=c["worker"], origin=c["origin"], tandem=other, phone="0888"
    )


def _contact_log(c):
    return lambda: core_services.contact_log(
        client=c["client"],
        author=c["worker"],
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        mode="phone",
        outcome="met",
        staff=[c["worker"], c["peer"]],
        origin=c["origin"],
    )


def _contact_update(c):
    contact = ContactFactory(client=c["client"], author=c["worker"])
    contact.staff.set([c["worker"]])
    return lambda: core_services.contact_update(
        contact=contact, actor=c["worker"], note="x", staff=[c["peer"]], origin=c["origin"]
    )


def _crisis(c):
    return lambda: event_services.crisis_save(
        client=c["client"],
        actor=c["worker"],
        crisis=Crisis(reported_at=timezone.now() - timedelta(hours=1)),
        mobilised_staff=[c["worker"], c["peer"]],
        origin=c["origin"],
    )


def _discharge(c):
    return lambda: event_services.episode_discharge(
        episode=c["client"].episodes.get(),
        actor=c["worker"],
        ended_on=timezone.localdate(),
        discharge_reason=DischargeReason.MOVED_AWAY,
        survey={"felt_respected": "yes"},
        origin=c["origin"],
    )


def _plan(c):
    return lambda: plan_services.careplan_create(
        episode=c["client"].episodes.get(), author=c["worker"], what_matters="x", origin=c["origin"]
    )


def _referral_accept(c):
    referral = ReferralFactory(municipality=c["team"].municipality, given_name="Ivan")
    referral_services.referral_screen(
        referral=referral, actor=c["coordinator"], answers=c["answers"], origin=c["origin"]
    )
    return lambda: referral_services.referral_accept(
        referral=referral,
        actor=c["supervisor"],
        team=c["team"],
        tandem=c["client"].tandem,
        new_client=True,
        origin=c["origin"],
    )


SERVICES: dict[str, Callable] = {
    "client_update": _client_update,
    "contact_log": _contact_log,
    "contact_update": _contact_update,
    "crisis_save": _crisis,
    "episode_discharge": _discharge,
    "careplan_create": _plan,
    "referral_accept": _referral_accept,
}


@pytest.fixture
def case(team, team_client, worker, peer, supervisor, coordinator, origin):
    if not CriteriaVersion.objects.filter(municipality__isnull=True).exists():
        DEFAULT_CRITERIA.create_default(django_apps, None)  # after a transactional test's flush
    return {
        "team": team,
        "client": team_client,
        "worker": worker,
        "peer": peer,
        "supervisor": supervisor,
        "coordinator": coordinator,
        "origin": origin,
        "answers": dict(ELIGIBLE_ANSWERS),
    }


@pytest.mark.parametrize("service", SERVICES)
def test_a_failed_audit_writes_nothing(service, case, monkeypatch):
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["action"])
        raise AuditDown

    call = SERVICES[service](case)
    before = db_state.contents()
    audits = AuditEvent.objects.count()
    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(AuditDown):
        call()
    assert calls, "the service did not audit"
    assert db_state.changes(before, db_state.contents()) == {}
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("service", SERVICES)
def test_the_same_call_writes_with_the_audit_up(service, case):
    call = SERVICES[service](case)
    before = db_state.contents()
    call()
    assert db_state.changes(before, db_state.contents())
