from __future__ import annotations

from django.urls import include, path

app_name = "careplans"

urlpatterns: list = [
    path("", include("careplans.assessment_urls")),
]
