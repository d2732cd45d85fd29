"""Project URL configuration: apps are wired by string only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The API documentation (Swagger UI, its script a separate file for the CSP), signed in.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/v1/", include("outreach.api_urls")),
    path("api/v1/", include("referrals.api_urls")),
    path("api/v1/", include("careplans.api_urls")),
    path("api/v1/", include("indicators.api_urls")),
    path("referrals/", include("referrals.urls")),
    path("careplans/", include("careplans.urls")),
    path("indicators/", include("indicators.urls")),
    path("public/", include("indicators.public_urls")),
    path("", include("outreach.routes")),
]
