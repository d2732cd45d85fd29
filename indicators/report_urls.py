"""Routes of municipal reports, team figures and drill-downs (included by indicators.urls)."""

from __future__ import annotations

from django.urls import path

from . import report_views as v

urlpatterns = [
    path("reports/", v.report_list, name="report-list"),
    path("reports/new/", v.report_create, name="report-create"),
    path("reports/<int:report_pk>/", v.report_detail, name="report-detail"),
    path("reports/<int:report_pk>/publish/", v.report_publish, name="report-publish"),
    path("reports/<int:report_pk>/refresh/", v.report_refresh, name="report-refresh"),
    path("reports/<int:report_pk>/correct/", v.report_correct, name="report-correct"),
    path("reports/<int:report_pk>/pdf/", v.report_pdf, name="report-pdf"),
    path("reports/<int:report_pk>/pdf/prepare/", v.report_pdf_prepare, name="report-pdf-prepare"),
    path("reports/<int:report_pk>/pdf/status/", v.report_pdf_status, name="report-pdf-status"),
    path("reports/<int:report_pk>/csv/", v.report_csv, name="report-csv"),
    path("figures/", v.figures_list, name="figures-list"),
    path("figures/<int:figures_team_pk>/", v.team_figures, name="team-figures"),
    path(
        "figures/<int:figures_team_pk>/refresh/",
        v.team_figures_refresh,
        name="team-figures-refresh",
    ),
    path(
        "figures/<int:figures_team_pk>/status/", v.team_figures_status, name="team-figures-status"
    ),
    path(
        "figures/<int:figures_team_pk>/records/<slug:key>/",
        v.team_drilldown,
        name="team-drilldown",
    ),
]
