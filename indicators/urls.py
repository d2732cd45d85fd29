from __future__ import annotations

from django.urls import include, path

from indicators.mywork import views as mywork_views
from indicators.supervision import views as supervision_views

app_name = "indicators"

urlpatterns: list = [path("", include("indicators.report_urls"))]

# The supervisor's caseload review (a clinical page, in indicators because it reads all apps).
urlpatterns += [
    path("supervision/caseload/", supervision_views.caseload_review, name="caseload-review"),
]

# My work: the worker's start page (in indicators because it reads all apps).
urlpatterns += [
    path("my-work/", mywork_views.my_work, name="my-work"),
    path("my-work/count/", mywork_views.my_work_count, name="my-work-count"),
]
