"""API of the published municipal reports, read-only, for coordinators and supervisors.

The reports of the municipalities the user may see (`reports.report_list`, the pages' set);
another municipality's report is a 404. The figures are those the report page, its PDF and CSV
and the public page show: suppressed for the whole report at once (primary and complementary
suppression), never more exact than what leaves the team.
"""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from indicators import access as figure_access
from indicators import reports
from indicators.models import IndicatorSnapshot, Report
from outreach.api import ApiFilterSet, StrictCursorPagination, UpdatedSinceFilter
from outreach.permissions import IsVerifiedStaff

ReportStatus = Report.Status  # named in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])


class ReportCursorPagination(StrictCursorPagination):
    ordering = "-pk"
    page_size_query_param = None


class ReportOut(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "municipality", "municipality_name", "period", "period_first"]
        fields += ["period_last", "version", "status", "went_well", "problems_with_services"]
        fields += ["requests_to_municipality", "what_changed", "published_at", "updated_at"]
        read_only_fields = fields


class FigureRowOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = serializers.ListField(
        child=serializers.CharField(),
        help_text="One text per column: a number, `<5`, `n<5` or `x` (withheld).",
    )


class FigureSectionOut(serializers.Serializer):
    title = serializers.CharField()
    rows = FigureRowOut(many=True)


class ReportDetailOut(ReportOut):
    columns = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    class Meta(ReportOut.Meta):
        fields = [*ReportOut.Meta.fields, "columns", "sections"]
        read_only_fields = fields

    def _content(self, report: Report) -> reports.Content:
        cache = self.context.setdefault("content", {})
        if report.pk not in cache:
            cache[report.pk] = reports.report_content(report, suppress=True)
        return cache[report.pk]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_columns(self, report: Report) -> list[str]:
        return [str(c.label) for c in self._content(report).columns]

    @extend_schema_field(FigureSectionOut(many=True))
    def get_sections(self, report: Report) -> list[dict]:
        return [
            {
                "title": str(s["title"]),
                "rows": [
                    {"key": r["key"], "label": str(r["label"]), "cells": r["cells"]}
                    for r in s["rows"]
                ],
            }
            for s in self._content(report).sections
        ]


class ReportFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter(
        label="Only reports changed at or after this moment (ISO 8601), to sync."
    )

    class Meta:
        model = Report
        fields = ["municipality", "period"]


class PublishedReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Published reports of the user's municipalities (figures suppressed as published)."""

    permission_classes = [IsVerifiedStaff]
    pagination_class = ReportCursorPagination
    filterset_class = ReportFilter

    def get_queryset(self):
        qs = reports.report_list(user=self.request.user).filter(status=Report.Status.PUBLISHED)
        if self.action == "retrieve":
            qs = reports.with_snapshots(qs)
        return qs.order_by("-pk")

    def get_serializer_class(self):
        return ReportDetailOut if self.action == "retrieve" else ReportOut


# --- Snapshots -------------------------------------------------------------------------------


class SnapshotOut(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField(
        help_text=(
            "Indicator key → its text: exact for the supervisors of the team, otherwise "
            "suppressed as in the published reports (`<5`, `n<5`, `x`)."
        )
    )
    exact = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorSnapshot
        fields = ["id", "period", "period_first", "period_last", "scope_kind", "team"]
        fields += ["municipality", "version", "status", "definitions_version", "computed_at"]
        fields += ["as_of", "published_at", "exact", "figures"]
        read_only_fields = fields

    def _exact(self, snapshot: IndicatorSnapshot) -> bool:
        return snapshot.team_id is not None and snapshot.team_id in self.context["exact_teams"]

    def get_exact(self, snapshot: IndicatorSnapshot) -> bool:
        return self._exact(snapshot)

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_figures(self, snapshot: IndicatorSnapshot) -> dict[str, str]:
        if self._exact(snapshot):
            values = reports.report_values(snapshot.values)  # medians by kind as `key.kind`
            return {
                key: reports.show_value(values, key, kind, suppress=False)
                for key, kind in reports.ROWS
            }
        hidden = reports.snapshots_decision([snapshot])
        return {key: hidden.text("p0", key, kind) for key, kind in reports.ROWS}


class SnapshotFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter(
        method="changed_since",
        label="Only snapshots computed or published at or after this moment (ISO 8601).",
    )

    class Meta:
        model = IndicatorSnapshot
        fields = ["period", "team", "municipality", "status", "scope_kind"]

    def changed_since(self, queryset, name, value):
        return queryset.filter(Q(computed_at__gte=value) | Q(published_at__gte=value))


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator snapshots of the teams (and their municipalities) whose figures the user sees."""

    permission_classes = [IsVerifiedStaff]
    serializer_class = SnapshotOut
    pagination_class = ReportCursorPagination
    filterset_class = SnapshotFilter

    def get_queryset(self):
        teams = figure_access.figure_teams(self.request.user)
        return IndicatorSnapshot.objects.filter(
            Q(team__in=teams) | Q(team__isnull=True, municipality__in=teams.values("municipality"))
        ).order_by("-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["exact_teams"] = set(
            figure_access.exact_figure_teams(self.request.user).values_list("pk", flat=True)
        )
        return context
