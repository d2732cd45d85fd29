"""Administration of accounts, teams and lists; no clinical data by default."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from outreach.models import Intervention, LegalBasis, Municipality, Tandem, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "teams")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Outreach"), {"fields": ("role", "teams", "municipality", "organisation", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Outreach"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "teams",
                    "municipality",
                    "organisation",
                )
            },
        ),
    )
    filter_horizontal = ("teams", "groups", "user_permissions")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "capacity")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tandem)
class TandemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "team", "started_on", "ended_on")
    list_filter = ("team",)


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_bg", "code", "active", "order")
    list_editable = ("active", "order")


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Legal bases for admissions and coercion are data per country: add a country here."""

    list_display = ("label", "label_bg", "country", "code", "legal_status", "active", "order")
    list_filter = ("country", "legal_status", "active")
    list_editable = ("active", "order")
