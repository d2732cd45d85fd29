"""The report's sections of issue 14: continuity of care, access, safety, coordination by kind
of agency, rights, outcomes, the exit survey (from 5 answers) and the teams' fidelity."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from indicators import reports
from indicators.periods import Period
from outreach.models import AdverseEvent, Agency, AgencyRequest, ExitSurvey, HospitalStay

from .report_fixtures import at  # noqa: F401
from .test_reports import _draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def more_data(report_data, team):
    clients = report_data
    municipality = team.municipality
    for c in clients[:6]:  # six discharges in care, five followed up within 72 hours
        HospitalStay.objects.create(
            client=c,
            admitted_on=date(2026, 8, 1),
            discharged_on=date(2026, 8, 1),
            legal_status="voluntary",
            advance_statement_upheld="yes",
        )
    from outreach.models import Contact

    from .report_fixtures import at as local_at

    for c in clients[:5]:
        Contact.objects.create(
            client=c,
            started_at=local_at(2026, 8, 3),
            mode="face_to_face",
            outcome="met",
            location="client_home",
            duration_minutes=30,
        )
    AdverseEvent.objects.create(client=clients[0], kind="self_harm", occurred_on=date(2026, 8, 9))
    for c in clients[:6]:
        AdverseEvent.objects.create(
            client=c, kind="police_involvement", occurred_on=date(2026, 8, 10)
        )
    housing = Agency.objects.create(municipality=municipality, name="Housing", kind="housing")
    for c in clients[:5]:
        AgencyRequest.objects.create(
            client=c,
            agency="Housing",
            listed_agency=housing,
            sent_on=date(2026, 8, 1),
            responded_on=date(2026, 8, 11),
        )
    # Exit survey: 6 answers to "felt respected", 2 to "coercion experienced".
    for answer in ("yes", "yes", "yes", "yes", "yes", "no"):
        ExitSurvey.objects.create(
            municipality=municipality, month=date(2026, 8, 1), felt_respected=answer
        )
    ExitSurvey.objects.create(
        municipality=municipality, month=date(2026, 8, 1), coercion_experienced="no"
    )
    ExitSurvey.objects.create(
        municipality=municipality, month=date(2026, 7, 1), coercion_experienced="yes"
    )  # another period
    return clients


def _rows(body: bytes) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return {r[2]: r[3:] for r in rows if len(r) > 3}


def test_the_report_shows_the_new_sections_suppressed(client, coordinator, more_data, team):
    report = _draft(client, coordinator)
    assert report.extras["exit_survey"]["felt_respected"] == {"yes": 5, "no": 1}
    assert report.extras["exit_survey"]["coercion_experienced"] == {"no": 1}
    assert str(team.pk) in report.extras["fidelity"]
    rows = _rows(client.get(reverse("indicators:report-csv", args=[report.pk])).content)
    centre = 0  # the first column is the municipality's
    assert rows["hospital_discharges"][centre] == "6"
    # 5 of 6 followed up: n − k = 1 would tell the one not followed up: hidden
    assert rows["post_discharge_followup_72h_share"][centre] == "n<5"
    assert rows["advance_statement_upheld_share"][centre] == "100.0 %"
    assert rows["adverse_events_by_kind.police_involvement"][centre] == "6"
    assert rows["adverse_events_by_kind.self_harm"][centre] == "<5"
    assert rows["agency_requests_by_kind.housing"][centre] == "5"
    assert rows["agency_response_days_median_by_kind.housing"][centre] == "10.0"
    assert rows["waiting_list_when_computed"][centre] == "0"
    # The exit survey (yes, partly, no, prefer not to say, answers): 5 yes and 1 no. The lone
    # "no" is <5; with the total shown, the "yes" is withheld too, and so on until the "no"
    # cannot be worked out (suppression.py).
    felt = rows["exit.felt_respected"]
    assert felt[1] == "0" and felt[2] == "<5"
    assert felt[0] in ("x", "<5") or felt[4] in ("x", "<5"), felt
    assert rows["exit.coercion_experienced"] == ["fewer than 5 answers"]
    page = client.get(reverse("indicators:report-detail", args=[report.pk])).content.decode()
    for title in (
        "Continuity of care after hospital",
        "Access",
        "Safety: adverse events by kind",
        "Exit survey",
        "Fidelity of each team against its targets",
        "Days to an agency&#x27;s answer by kind of agency (median)",
    ):
        assert title in page, title
    assert "fewer than 5 answers" in page


def test_fidelity_in_the_report_follows_the_reports_suppression(client, coordinator, more_data):
    report = _draft(client, coordinator)
    content = reports.report_content(report, suppress=True)
    by_key = {row["label"]: row for row in content.fidelity["rows"]}
    per_worker = by_key["Clients per worker"]["cells"][0]
    assert per_worker["text"] == "3.50"  # caseload 7 over the tandem's 2 workers
    team_col = next(i for i, c in enumerate(content.columns) if c.team is not None)
    seen = next(
        r for s in content.sections for r in s["rows"] if r["key"] == "contacts_per_client_week"
    )
    assert by_key["Contacts per client per week"]["cells"][0]["text"] == seen["cells"][team_col]
    exact = reports.report_content(report, suppress=False)
    assert exact.fidelity["teams"] == content.fidelity["teams"]


def test_a_report_drafted_before_the_extras_says_so(client, coordinator, report_data):
    report = _draft(client, coordinator)
    report.extras = {}
    report.save()
    page = client.get(reverse("indicators:report-detail", args=[report.pk])).content.decode()
    assert "The exit survey was not stored with these figures" in page
    assert Period.parse(report.period)
