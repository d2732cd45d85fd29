"""Report actions on pages carry the request's origin; commands and tasks their own name."""

from __future__ import annotations

from django.urls import reverse

from indicators import tasks
from indicators.models import Report
from outreach.models import AuditEvent
from tests.indicators.test_import import run, valid_files, write

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def test_a_report_drafted_on_the_page_is_audited_with_address_browser_and_path(
    client, coordinator, team
):
    client.force_login(coordinator)
    url = reverse("indicators:report-create")
    response = client.post(
        url,
        {"municipality": coordinator.municipality_id, "period": "2026-08"},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="198.51.100.41",
    )
    assert response.status_code == 302
    report = Report.objects.get(period="2026-08")
    event = AuditEvent.objects.get(action="report.create")
    assert (event.actor, event.object_id) == (coordinator, str(report.pk))
    assert (event.ip_address, event.user_agent, event.path) == ("198.51.100.41", BROWSER, url)


def test_the_import_command_is_audited_as_the_system_not_as_a_request(team, tmp_path):
    run(write(tmp_path, valid_files()))
    event = AuditEvent.objects.get(action="caseload.import")
    assert (event.actor, event.actor_username) == (None, "")
    assert (event.path, event.ip_address, event.user_agent, event.token_name) == (
        "system:import_caseload",
        None,
        "",
        "",
    )


def test_the_monthly_draft_task_is_audited_with_its_own_name(team, settings):
    tasks.draft_report.delay("2026-08", team.municipality.slug).get()
    event = AuditEvent.objects.get(action="report.create")
    assert event.actor is None
    assert (event.path, event.ip_address) == ("system:draft_report", None)
