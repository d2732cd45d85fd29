"""Public pages without login (mounted at /public/): published aggregate figures only."""

from __future__ import annotations

from django.urls import path

from . import report_views as v

app_name = "public"

urlpatterns = [
    path("reports/", v.public_summary, name="report-summary"),
]
