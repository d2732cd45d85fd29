"""Input of the report pages: which report to draft, and its narrative."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period


class ReportCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(queryset=None, label=_("Municipality"))
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A month like 2026-07 or a quarter like 2026-Q3."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first().pk

    def clean_period(self) -> Period:
        try:
            period = Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="bad_period") from exc
        if period.first > timezone.localdate():
            raise forms.ValidationError(_("This period has not started yet."), code="future")
        return period


class ReportNarrativeForm(forms.Form):
    went_well = forms.CharField(
        label=_("What went well"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems_with_services = forms.CharField(
        label=_("Problems with other services"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requests_to_municipality = forms.CharField(
        label=_("Requests to the municipality"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    what_changed = forms.CharField(
        label=_("What changed (for a correction)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
