"""Admin of the eligibility criteria and weights (data, versioned per municipality)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from referrals.models import CriteriaVersion, Criterion


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("order", "code", "question", "question_bg", "kind", "role", "points", "options")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _frozen(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _frozen(obj)


def _frozen(version: CriteriaVersion | None) -> bool:
    """A version that has scored a referral is frozen, so that past scores stay explained."""
    return version is not None and version.pk is not None and version.scores.exists()


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "municipality", "version", "active", "note", "created_at")
    list_filter = ("municipality", "active")
    inlines = [CriterionInline]
    actions = ["copy_as_new_version"]

    def get_readonly_fields(self, request, obj=None):
        if _frozen(obj):
            return ("municipality", "version", "note")
        return ()

    @admin.action(description=_("Copy as a new version (to change weights or questions)"))
    def copy_as_new_version(self, request, queryset):
        for source in queryset:
            with transaction.atomic():
                latest = CriteriaVersion.objects.filter(municipality=source.municipality).aggregate(
                    m=Max("version")
                )["m"]
                copy = CriteriaVersion.objects.create(
                    municipality=source.municipality,
                    version=(latest or 0) + 1,
                    active=False,
                    note=f"Copy of {source}",
                )
                for c in source.criteria.all():
                    Criterion.objects.create(
                        version=copy,
                        code=c.code,
                        question=c.question,
                        question_bg=c.question_bg,
                        kind=c.kind,
                        role=c.role,
                        points=c.points,
                        options=c.options,
                        order=c.order,
                    )
            messages.info(
                request,
                _("Created %(v)s (not in use yet: edit it, then mark it in use).") % {"v": copy},
            )
