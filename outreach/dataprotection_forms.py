"""Forms of the data-protection pages: the erasure on request and the client's copy."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from outreach.models import ErasureReason

# On request: the retention period is the nightly task's ground, not a request's.
REQUEST_REASONS = [(v, label) for v, label in ErasureReason.choices if v != ErasureReason.RETENTION]


class ErasureForm(forms.Form):
    legal_reason = forms.ChoiceField(
        label=_("Legal reason"), choices=REQUEST_REASONS, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the request came in and any reference. No names or health details."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the record is anonymised at once and cannot be restored."),
    )


class AdminErasureForm(ErasureForm):
    code = forms.CharField(
        label=_("Pseudonymous code of the client"),
        max_length=12,
        help_text=_("As shown on the client page, e.g. C-ABCD2345."),
    )
    field_order = ["code", "legal_reason", "note", "confirm"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the PDF"), choices=settings.LANGUAGES)
