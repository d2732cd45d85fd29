"""Routes of risk, supported decisions, guardianship, complaints (under `clients/<client_pk>/`)
and of staff training and supervision (under `teams/<team_pk>/`); namespace `outreach`."""

from __future__ import annotations

from django.urls import path

from outreach.safeguarding import views as v

client_urlpatterns = [
    path("risk/", v.risk_detail, name="risk-detail"),
    path("risk/new/", v.risk_create, name="risk-create"),
    path("decisions/", v.decisions_detail, name="decisions-detail"),
    path("decisions/new/", v.supported_decision_edit, name="supporteddecision-create"),
    path("decisions/<int:pk>/edit/", v.supported_decision_edit, name="supporteddecision-update"),
    path("guardianship/new/", v.guardianship_create, name="guardianship-create"),
    path("complaints/", v.complaint_list, name="complaint-list"),
    path("complaints/new/", v.complaint_edit, name="complaint-create"),
    path("complaints/<int:pk>/edit/", v.complaint_edit, name="complaint-update"),
]

team_urlpatterns = [
    path("training/", v.team_training, name="team-training"),
    path("training/new/", v.training_edit, name="training-create"),
    path("training/<int:pk>/edit/", v.training_edit, name="training-update"),
    path("supervision/new/", v.supervision_session_create, name="supervisionsession-create"),
]
