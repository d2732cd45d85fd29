"""The pages of risk, decisions, complaints and training on a 390 px phone and on a desktop.

No page scrolls sideways. With SCREENSHOT_DIR set, each page is saved there at both widths
(for a person to look at).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import (
    Complaint,
    GuardianshipStatus,
    RiskAssessment,
    SupervisionSession,
    SupportedDecision,
    Training,
)
from outreach.safeguarding import services
from tests.factories import SupportPersonFactory
from tests.outreach.caserecord.factories import CrisisFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Sleeps under the bridge near the old tobacco factory when the hostel is full; " * 4


@pytest.fixture
def record(team, team_client, worker, peer, supervisor, origin):
    sister = SupportPersonFactory(client=team_client, name="Elena Ivanova", relation="family")
    CrisisFactory(client=team_client)
    today = timezone.localdate()
    for summary in ["First plan, written at intake.", LONG]:
        services.risk_assessment_record(
            client=team_client,
            actor=worker,
            assessment=RiskAssessment(assessed_on=today, summary=summary),
            domains={
                "harm_to_self": {
                    "known": "Two overdoses after evictions.",
                    "client_view": "It happens when I lose my place.",
                    "what_helps": "Her sister; being asked straight.",
                    "plan": "Daily visits while housing is uncertain.",
                },
                "self_neglect": {"known": LONG, "plan": "Lunch together on Tuesdays."},
            },
            origin=origin,
        )
    services.guardianship_record(
        client=team_client,
        actor=worker,
        status=GuardianshipStatus(
            status="partial", since=today - timedelta(days=300), guardian=sister
        ),
        origin=origin,
    )
    services.supported_decision_save(
        client=team_client,
        actor=worker,
        decision=SupportedDecision(
            decided_on=today - timedelta(days=2),
            decision="To refuse the depot injection and try tablets first.",
            will_and_preferences=LONG,
            support_person=sister,
            staff_supporter=peer,
        ),
        origin=origin,
    )
    complaint = services.complaint_save(
        client=team_client,
        actor=worker,
        complaint=Complaint(
            received_on=today - timedelta(days=4),
            about_kind="hospital",
            about="Ward 4 of the state hospital",
            complaint="They took my phone for the whole stay. " + LONG,
        ),
        origin=origin,
    )
    training = Training(
        kind="who_qualityrights", title="QualityRights: legal capacity", held_on=today
    )
    services.training_save(
        team=team, actor=worker, training=training, attendees=[worker, peer], origin=origin
    )
    services.supervision_session_save(
        team=team,
        actor=supervisor,
        session=SupervisionSession(held_on=today, supervisor_name="Dr. Petrova (external)"),
        attendees=[worker, peer, supervisor],
        origin=origin,
    )
    c, t = team_client.pk, team.pk
    return {
        "client": team_client.get_absolute_url(),
        "risk": reverse("outreach:risk-detail", args=[c]),
        "risk_form": reverse("outreach:risk-create", args=[c]),
        "decisions": reverse("outreach:decisions-detail", args=[c]),
        "decision_form": reverse("outreach:supporteddecision-create", args=[c]),
        "guardianship_form": reverse("outreach:guardianship-create", args=[c]),
        "complaints": reverse("outreach:complaint-list", args=[c]),
        "complaint_form": reverse("outreach:complaint-update", args=[c, complaint.pk]),
        "training": reverse("outreach:team-training", args=[t]),
        "training_form": reverse("outreach:training-create", args=[t]),
        "supervision_form": reverse("outreach:supervisionsession-create", args=[t]),
        "team_caseload": reverse("outreach:team-caseload"),
    }


@pytest.mark.parametrize(("viewport", "width"), [("phone_page", 390), ("desktop_page", 1280)])
def test_pages_fit_the_screen(viewport, width, request, record, supervisor, browser_login):
    page = request.getfixturevalue(viewport)
    supervisor.set_password("correct-horse-battery")
    supervisor.save()
    browser_login(page, supervisor)
    out = os.environ.get("SCREENSHOT_DIR")
    for name, url in record.items():
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{out}/{name}_{width}.png", full_page=True)
