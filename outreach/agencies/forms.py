"""The form of an agency of the directory."""

from __future__ import annotations

from django import forms

from outreach.models import Agency


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "active"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
