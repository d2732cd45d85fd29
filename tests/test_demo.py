"""The demo data (`seed_demo`), seeded once for this module and checked by each test.

Seeding takes tens of seconds, so it runs once, in a transaction opened for this module and
rolled back after its last test; each test runs in a savepoint on top (pytest-django's `db`), so
no test sees another's writes and no other module sees the demo. pytest-randomly shuffles
modules and the tests inside them but keeps a module's tests together.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

import outreach.caserecord.demo  # noqa: F401 - registers the events' demo function
import outreach.safeguarding.demo  # noqa: F401 - registers the risk assessments' demo function
import outreach.visits.demo  # noqa: F401 - registers the planned visits' demo function
from careplans.models import Assessment
from outreach.caserecord import selectors as event_selectors
from outreach.models import (
    AuditEvent,
    CaseConference,
    Client,
    CoerciveMeasure,
    Contact,
    Debrief,
    Episode,
    GroupSession,
    Municipality,
    Role,
    Team,
    User,
)
from referrals.models import Referral, ReferralScore, Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """What the first `seed_demo` printed; the demo stays in the database for this module."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_seed_demo_is_idempotent_and_prints_logins(demo, db):
    counts = (Client.objects.count(), Contact.objects.count(), Episode.objects.count())
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert (Client.objects.count(), Contact.objects.count(), Episode.objects.count()) == counts
    assert "already loaded" in again.getvalue()
    assert Municipality.objects.get(slug="sofia").teams.count() == 2
    assert Client.objects.count() == 90
    assert Contact.objects.count() > 2000
    for username in ["worker", "peer", "supervisor", "coordinator", "partner", "admin"]:
        assert username in demo
    roles = set(User.objects.values_list("role", flat=True))
    assert {
        Role.PROFESSIONAL,
        Role.PEER,
        Role.SUPERVISOR,
        Role.COORDINATOR,
        Role.PARTNER,
        Role.ADMIN,
    } <= roles
    for team in Team.objects.all():
        assert 40 <= team.clients.count() <= 50
    # The demo's writes are audited as the seed command's, never as a page's request.
    assert AuditEvent.objects.filter(action="careplan.create").exists()
    assert set(AuditEvent.objects.values_list("path", "ip_address")) == {("system:seed_demo", None)}


def test_the_demo_receives_no_referral_in_the_future(demo, db):
    # Screening refuses a referral received later than today (referrals/services.py).
    assert Referral.objects.exists()
    assert not Referral.objects.filter(received_at__gt=timezone.now()).exists()


def test_seed_demo_creates_referrals(demo, db):
    referrals = Referral.objects.all()
    assert 25 <= referrals.count() <= 40
    assert referrals.filter(submitted_by__username="partner").count() >= 5
    statuses = set(referrals.values_list("status", flat=True))
    assert {Status.ACCEPTED, Status.DECLINED, Status.WAITLISTED, Status.RECEIVED} <= statuses
    assert not referrals.filter(status=Status.ACCEPTED, client__isnull=True).exists()
    assert ReferralScore.objects.exists()


def test_seed_demo_records_scored_assessments(demo, db):
    """The demo seeds assessments through the service: scores match the answers."""
    mansa = list(Assessment.objects.filter(instrument__code="mansa"))
    assert mansa
    for assessment in mansa:
        scored = [assessment.answers[code] for code in assessment.instrument.scoring["items"]]
        expected = (Decimal(sum(scored)) / 12).quantize(Decimal("0.0001"))
        assert assessment.score == expected
        assert assessment.episode is not None
    assert Assessment.objects.filter(instrument__code="dialog").exclude(help_wanted=[]).exists()


def test_seed_demo_with_events(demo, db):
    """Debriefs (one overdue for the demo worker), conferences and group sessions."""
    worker = User.objects.get(username="worker")
    assert event_selectors.debriefs_overdue(user=worker, mine=True).exists()
    assert Debrief.objects.count() == CoerciveMeasure.objects.count() > 0
    assert CaseConference.objects.filter(actions__isnull=False).exists()
    session = GroupSession.objects.first()
    assert Contact.objects.filter(group_session=session).count() >= 3
    assert not CaseConference.objects.filter(support_people__involvement="do_not_contact").exists()


def test_demo_plan_versions_are_dated_across_the_year_of_care(demo, db):
    from django.utils import timezone

    from careplans.models import CarePlan, PlanSignoff

    now = timezone.now()
    spans = []
    for plan in CarePlan.objects.select_related("episode"):
        dates = list(plan.history.order_by("history_id").values_list("history_date", flat=True))
        assert dates == sorted(dates) and dates[-1] <= now
        assert timezone.localdate(dates[0]) >= plan.episode.started_on
        spans.append((dates[-1] - dates[0]).days)
    assert max(spans) > 90  # reviewed plans span months, not the minute of seeding
    first_days = {
        timezone.localdate(plan.history.earliest("history_id").history_date)
        for plan in CarePlan.objects.all()
    }
    assert len(first_days) > 5
    assert not PlanSignoff.objects.filter(signed_at__gt=now).exists()


def test_the_demo_has_a_few_planned_visits_this_week(demo, db):
    from django.utils import timezone

    from outreach.models import PlannedVisit

    worker = User.objects.get(username="worker")
    today = timezone.localdate()
    mine = PlannedVisit.objects.filter(
        client__tandem__professional=worker, status="planned", planned_on__gte=today
    )
    assert 3 <= mine.count() <= 6
    assert all((v.planned_on - today).days < 7 for v in mine)
    assert mine.filter(planned_on=today).exists()


def test_seed_demo_keeps_most_risk_reviews_and_misses_a_few(demo, db):
    """The demo shows a team that keeps its risk clock, with a few reviews for the supervisor
    to chase: not every client overdue (as before the demo had risk assessments)."""
    from outreach.safeguarding.selectors import risk_reviews_due

    supervisor = User.objects.get(username="supervisor")
    rows = risk_reviews_due(user=supervisor, statuses=("upcoming", "due", "overdue"))
    overdue = [r for r in rows if r.next.overdue]
    assert rows and overdue
    assert len(overdue) <= len(rows) // 3, (len(overdue), len(rows))
    first_missing = [r for r in overdue if r.next.month == 0 and not r.next.event]
    assert first_missing, "a client with no assessment yet"
