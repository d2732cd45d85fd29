"""Routes of the case record's events, included under `clients/<int:client_pk>/` (namespace `outreach`)."""

from __future__ import annotations

from django.urls import path

from outreach.caserecord import views as v

urlpatterns = [
    path("events/", v.client_events, name="client-events"),
    path("hospital-stays/new/", v.hospital_stay_edit, name="hospitalstay-create"),
    path("hospital-stays/<int:pk>/edit/", v.hospital_stay_edit, name="hospitalstay-update"),
    path("coercive-measures/new/", v.coercive_measure_create, name="coercivemeasure-create"),
    path("coercive-measures/<int:pk>/debrief/", v.debrief_update, name="debrief-update"),
    path("crises/new/", v.crisis_edit, name="crisis-create"),
    path("crises/<int:pk>/edit/", v.crisis_edit, name="crisis-update"),
    path("relapses/new/", v.relapse_create, name="relapse-create"),
    path("adverse-events/new/", v.adverse_event_create, name="adverseevent-create"),
    path("milestones/new/", v.milestone_create, name="milestone-create"),
    path("agencies/new/", v.case_agency_create, name="caseagency-create"),
    path("responsibilities/new/", v.responsibility_create, name="responsibility-create"),
    path("agency-requests/new/", v.agency_request_create, name="agencyrequest-create"),
    path(
        "agency-requests/<int:pk>/respond/",
        v.agency_request_respond,
        name="agencyrequest-respond",
    ),
    path("case-conferences/new/", v.case_conference_create, name="caseconference-create"),
    path("follow-ups/<int:pk>/edit/", v.followup_update, name="followup-update"),
    path("follow-ups/<int:pk>/done/", v.followup_done, name="followup-done"),
    path("group-sessions/new/", v.group_session_create, name="groupsession-create"),
    path("episodes/<int:pk>/discharge/", v.episode_discharge, name="episode-discharge"),
]
