from __future__ import annotations

from django.urls import include, path

from indicators import views

app_name = "indicators"

urlpatterns: list = [path("", include("indicators.report_urls"))]

# --- Supervision: caseload review (issue 8) -------------------------------------------------
urlpatterns += [
    path("supervision/caseload/", views.caseload_review, name="caseload-review"),
]
# --- end supervision ------------------------------------------------------------------------
