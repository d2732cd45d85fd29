"""Project URL configuration: apps are wired by string only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from outreach.ops import health, metrics

# An uncaught error: 503 with a retry hint when the database is unreachable, else a plain 500.
handler500 = "outreach.ops.unavailable.server_error"

urlpatterns = [
    # Probes and metrics (outreach/ops): no login, no data; /metrics needs its token or address.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
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
