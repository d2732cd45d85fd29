from __future__ import annotations

from django.urls import include, path

app_name = "indicators"

urlpatterns: list = [path("", include("indicators.report_urls"))]
