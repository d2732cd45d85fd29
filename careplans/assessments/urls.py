"""Assessment routes, included by careplans/urls.py (namespace `careplans`)."""

from __future__ import annotations

from django.urls import path

from careplans.assessments import views

urlpatterns = [
    path("assessments/due/", views.assessment_due, name="assessment-due"),
    path(
        "clients/<int:client_pk>/assessments/",
        views.assessment_list,
        name="assessment-list",
    ),
    path(
        "clients/<int:client_pk>/assessments/new/",
        views.assessment_create,
        name="assessment-create",
    ),
    path(
        "clients/<int:client_pk>/assessments/summary/",
        views.client_assessments,
        name="client-assessments",
    ),
    path(
        "clients/<int:client_pk>/assessments/<int:pk>/",
        views.assessment_detail,
        name="assessment-detail",
    ),
    path(
        "clients/<int:client_pk>/assessments/<int:pk>/edit/",
        views.assessment_edit,
        name="assessment-update",
    ),
    path(
        "clients/<int:client_pk>/carers/<int:carer_pk>/burden/new/",
        views.carer_assessment_create,
        name="carerassessment-create",
    ),
]
