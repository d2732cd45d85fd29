"""Routes of the living situation, carers and costs, included under `clients/<int:client_pk>/`."""

from __future__ import annotations

from django.urls import path

from outreach.social import views as v

urlpatterns = [
    path("living/", v.living_situation, name="living-situation"),
    path("living/<slug:domain>/new/", v.living_status_create, name="livingstatus-create"),
    path("carers/new/", v.carer_edit, name="carer-create"),
    path("carers/<int:pk>/edit/", v.carer_edit, name="carer-update"),
    path("carers/<int:pk>/reviews/new/", v.carer_review_create, name="carerreview-create"),
    path("spending/new/", v.spending_create, name="spending-create"),
]
