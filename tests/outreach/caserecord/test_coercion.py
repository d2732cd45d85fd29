"""Coercive measures and their mandatory debrief: due in 14 days, overdue on day 15."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from outreach.caserecord import selectors as event_selectors
from outreach.models import AuditEvent, CoerciveMeasure, Debrief, LegalBasis
from tests.outreach.caserecord.factories import CoerciveMeasureFactory, HospitalStayFactory


def _measure_data(moment_ago, days: int, **extra) -> dict:
    return {
        "started_at": moment_ago(days=days),
        "kind": "mechanical_restraint",
        "location": "ward 3",
        "decided_by": "hospital_psychiatrist",
        "client_account": "They tied me down and nobody explained why.",
        **extra,
    }


def test_recording_a_measure_creates_its_debrief(post_event, team_client, moment_ago, worker):
    basis = LegalBasis.objects.get(country="BG", code="emergency")
    response = post_event(
        "coercivemeasure-create", _measure_data(moment_ago, 2, legal_basis=basis.pk)
    )
    assert response.status_code == 302
    measure = CoerciveMeasure.objects.get(client=team_client)
    debrief = measure.debrief
    started = timezone.localtime(measure.started_at).date()
    assert debrief.due_on == started + timedelta(days=14)
    assert debrief.done_on is None and measure.debriefed_on is None
    assert measure.client_account.startswith("They tied me down")
    assert AuditEvent.objects.filter(action="coercivemeasure.create", client=team_client).exists()
    assert AuditEvent.objects.filter(action="debrief.create", client=team_client).exists()


def test_debrief_is_due_on_day_14_and_overdue_on_day_15(
    post_event, team_client, moment_ago, worker, events_page
):
    assert post_event("coercivemeasure-create", _measure_data(moment_ago, 14)).status_code == 302
    assert not event_selectors.debriefs_overdue(user=worker).exists()
    body = events_page()
    assert "debrief due" in body and "debrief overdue" not in body

    measure = CoerciveMeasure.objects.get()
    measure.started_at -= timedelta(days=1)  # now 15 days ago
    measure.save()
    overdue = list(event_selectors.debriefs_overdue(user=worker))
    assert overdue == [measure]
    assert "debrief overdue" in events_page()


def test_overdue_on_day_15_by_the_selector_clock(post_event, team_client, moment_ago, worker):
    post_event(
        "coercivemeasure-create", _measure_data(moment_ago, 0, started_at=moment_ago(minutes=5))
    )
    started = timezone.localtime(CoerciveMeasure.objects.get().started_at).date()
    day14, day15 = started + timedelta(days=14), started + timedelta(days=15)
    assert not event_selectors.debriefs_overdue(user=worker, today=day14).exists()
    assert event_selectors.debriefs_overdue(user=worker, today=day15).count() == 1
    assert event_selectors.debriefs_overdue(user=worker, today=day15, mine=True).count() == 1
    assert (
        event_selectors.debriefs_overdue(user=worker, today=day15, team=team_client.team).count()
        == 1
    )


def test_other_team_sees_no_overdue_debrief(post_event, moment_ago, outsider, outside_supervisor):
    post_event("coercivemeasure-create", _measure_data(moment_ago, 20))
    assert not event_selectors.debriefs_overdue(user=outsider).exists()
    assert not event_selectors.debriefs_overdue(user=outside_supervisor).exists()


def test_debrief_recorded_through_the_form(post_event, team_client, moment_ago, worker, days_ago):
    post_event("coercivemeasure-create", _measure_data(moment_ago, 20))
    measure = CoerciveMeasure.objects.get()
    response = post_event(
        "debrief-update",
        {
            "done_on": days_ago(1),
            "done_by": worker.pk,
            "client_view": "I felt unheard.",
            "what_should_change": "Call the sister first, as the crisis plan says.",
        },
        measure.pk,
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.debriefed_on.isoformat() == days_ago(1)
    assert measure.debrief.done_by == worker
    assert "Call the sister" in measure.debrief.what_should_change
    assert not event_selectors.debriefs_overdue(user=worker).exists()
    assert AuditEvent.objects.filter(action="debrief.update", client=team_client).exists()


def test_debrief_before_its_measure_is_refused(post_event, moment_ago, worker, days_ago):
    post_event("coercivemeasure-create", _measure_data(moment_ago, 5))
    measure = CoerciveMeasure.objects.get()
    response = post_event(
        "debrief-update",
        {"done_on": days_ago(8), "done_by": worker.pk, "what_should_change": "x"},
        measure.pk,
    )
    assert response.status_code == 400
    assert "The debrief cannot be before the measure." in response.content.decode()
    measure.refresh_from_db()
    assert measure.debriefed_on is None and measure.debrief.done_on is None


def test_debrief_in_the_future_and_without_changes_is_refused(
    post_event, moment_ago, worker, today
):
    post_event("coercivemeasure-create", _measure_data(moment_ago, 5))
    measure = CoerciveMeasure.objects.get()
    response = post_event(
        "debrief-update",
        {"done_on": (today + timedelta(days=2)).isoformat(), "done_by": worker.pk},
        measure.pk,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be in the future" in body and "This field is required" in body
    assert CoerciveMeasure.objects.get().debriefed_on is None


def test_measure_in_the_future_is_refused(post_event, today):
    future = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_event("coercivemeasure-create", {"started_at": future, "kind": "seclusion"})
    assert response.status_code == 400
    assert not CoerciveMeasure.objects.exists() and not Debrief.objects.exists()


def test_measure_outside_its_stay_is_refused(post_event, team_client, moment_ago, days_ago):
    stay = HospitalStayFactory(
        client=team_client, admitted_on=days_ago(30), discharged_on=days_ago(20)
    )
    response = post_event(
        "coercivemeasure-create", _measure_data(moment_ago, 5, hospital_stay=stay.pk)
    )
    assert response.status_code == 400
    assert "outside that hospital stay" in response.content.decode()
    assert not CoerciveMeasure.objects.exists() and not Debrief.objects.exists()


def test_debrief_of_other_team_is_404(client, outsider, post_event, team_client, moment_ago):
    post_event("coercivemeasure-create", _measure_data(moment_ago, 5))
    measure = CoerciveMeasure.objects.get()
    client.force_login(outsider)
    url = reverse("outreach:debrief-update", args=[team_client.pk, measure.pk])
    assert client.post(url, {"done_on": "2020-01-01"}).status_code == 404
    assert CoerciveMeasure.objects.get().debriefed_on is None


def test_imported_measure_without_debrief_row_is_overdue_and_can_be_debriefed(
    post_event, team_client, worker, days_ago
):
    # The importer writes measures directly, with no debrief row.
    measure = CoerciveMeasureFactory(
        client=team_client, started_at=timezone.now() - timedelta(days=15)
    )
    assert not Debrief.objects.exists()
    assert list(event_selectors.debriefs_overdue(user=worker)) == [measure]
    flags = event_selectors.debrief_flags_by_client(user=worker, client_ids=[team_client.pk])
    assert flags == {team_client.pk: {"debriefs_overdue": 1, "requests_open": 0}}
    response = post_event(
        "debrief-update",
        {"done_on": days_ago(0), "done_by": worker.pk, "what_should_change": "ask first"},
        measure.pk,
    )
    assert response.status_code == 302
    assert Debrief.objects.get(measure=measure).due_on == measure.debrief_due_on
    assert not event_selectors.debriefs_overdue(user=worker).exists()
