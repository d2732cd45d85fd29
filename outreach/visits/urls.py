"""Routes of planned visits, included under `visits/` (namespace `outreach`)."""

from __future__ import annotations

from django.urls import path

from outreach.visits import views as v

urlpatterns = [
    path("", v.visit_week, name="visit-week"),
    path("new/", v.visit_create, name="visit-create"),
    path("<int:pk>/contact/", v.visit_contact, name="visit-contact"),
    path("<int:pk>/missed/", v.visit_missed, name="visit-missed"),
    path("<int:pk>/edit/", v.visit_edit, name="visit-edit"),
    path("<int:pk>/cancel/", v.visit_cancel, name="visit-cancel"),
]
