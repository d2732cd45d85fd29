"""Input shapes for the living situation, carers and costs; no saving here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.forms import DateInput
from outreach.models import DOMAIN_STATUSES


class LivingStatusForm(forms.Form):
    """A new status of one domain (the domain comes from the URL), in force from a day."""

    status = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect)
    since = forms.DateField(label=_("Since"), widget=DateInput, validators=[not_in_future])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = DOMAIN_STATUSES[domain].choices
