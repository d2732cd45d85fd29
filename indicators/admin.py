"""Admin: teams' fidelity targets (reports and snapshots are written only through services)."""

from __future__ import annotations

from django.contrib import admin

from .models import FidelityTarget


@admin.register(FidelityTarget)
class FidelityTargetAdmin(admin.ModelAdmin):
    list_display = (
        "team",
        "max_clients_per_worker",
        "min_contacts_per_client_week",
        "min_minutes_per_client_week",
        "min_community_share",
        "min_team_approach_share",
        "max_crisis_response_hours",
    )
