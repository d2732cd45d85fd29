"""Report pages and downloads (CSV, PDF) and team figures are never cached: `no-store`."""

from __future__ import annotations

from django.urls import reverse

from tests.outreach.test_no_store import assert_no_store


def test_report_downloads_and_team_figures_are_not_stored(client, coordinator, report_data):
    from indicators.models import Report

    team = report_data[0].team
    client.force_login(coordinator)
    client.post(
        reverse("indicators:report-create"),
        {"municipality": coordinator.municipality_id, "period": "2026-08"},
    )
    report = Report.objects.get(status="draft", period="2026-08")
    for url in (
        reverse("indicators:report-detail", args=[report.pk]),
        reverse("indicators:report-csv", args=[report.pk]),
        reverse("indicators:report-pdf", args=[report.pk]) + "?lang=en",
        reverse("indicators:team-figures", args=[team.pk]) + "?period=2026-08",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)
