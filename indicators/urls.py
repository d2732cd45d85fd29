from __future__ import annotations

from django.urls import include, path

from indicators.supervision import views as supervision_views

app_name = "indicators"

urlpatterns: list = [path("", include("indicators.report_urls"))]

# The supervisor's caseload review (a clinical page, in indicators because it reads all apps).
urlpatterns += [
    path("supervision/caseload/", supervision_views.caseload_review, name="caseload-review"),
]
