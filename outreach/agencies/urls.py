"""Routes of the agency directory (under `agencies/`); namespace `outreach`."""

from __future__ import annotations

from django.urls import path

from outreach.agencies import views as v

urlpatterns = [
    path("", v.agency_list, name="agency-list"),
    path("new/", v.agency_edit, name="agency-create"),
    path("<int:pk>/edit/", v.agency_edit, name="agency-update"),
    path("<int:pk>/active/", v.agency_active, name="agency-active"),
]
