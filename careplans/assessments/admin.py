"""Admin for instruments: adding one is data entry (JSON), validated by Instrument.clean()."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from careplans.models import Instrument


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class InstrumentAdminForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = (
            "code",
            "version",
            "name",
            "name_bg",
            "rated_by",
            "applies_to",
            "scheduled",
            "active",
            "licence_note",
            "items",
            "scoring",
        )
        field_classes = {"items": PrettyJSONField, "scoring": PrettyJSONField}
        widgets = {
            "items": forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
            "scoring": forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
        }
        help_texts = {
            "items": _(
                'A list of items: {"code": "life", "type": "scale", "min": 1, "max": 7, '
                '"text": {"en": "...", "bg": "..."}, "labels": {"1": {"en": "..."}}, '
                '"more_help": false} or {"code": "friend", "type": "yes_no", "text": {...}}.'
            ),
            "scoring": _(
                '{"rule": "mean" or "sum", "items": [item codes], "sub_scores": [{"code": '
                '"...", "label": {"en": "..."}, "rule": "mean", "items": [...]}]}. Yes/no items '
                "cannot be scored."
            ),
        }


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    form = InstrumentAdminForm
    list_display = ("name", "code", "version", "applies_to", "rated_by", "scheduled", "active")
    list_filter = ("active", "applies_to", "scheduled", "rated_by")
    search_fields = ("code", "name", "name_bg")

    def get_readonly_fields(self, request, obj=None):
        # Once used, an instrument's definition is frozen: change it by adding a new version.
        if obj is not None and obj.assessments.exists():
            return ("code", "version", "items", "scoring")
        return ()
