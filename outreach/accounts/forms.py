"""Input shapes of the account pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the programme that uses it."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read at request time, so the configured maximum applies; the service checks it too.
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_DAYS
