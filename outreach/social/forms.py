"""Input shapes for the living situation, carers and costs; no saving here."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.forms import DateInput
from outreach.models import (
    DOMAIN_STATUSES,
    Carer,
    CarerNeedsReview,
    Client,
    Spending,
    SupportPerson,
)


class LivingStatusForm(forms.Form):
    """A new status of one domain (named by the URL, or by `domain` in the API), from a day."""

    status = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect)
    since = forms.DateField(label=_("Since"), widget=DateInput, validators=[not_in_future])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = DOMAIN_STATUSES[domain].choices


class CarerForm(forms.ModelForm):
    """A person of the client's support network as a carer: what they do and how often."""

    class Meta:
        model = Carer
        fields = ["support_person", "kind", "frequency", "hours_per_week", "since", "note"]
        widgets = {
            "kind": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "since": DateInput,
            "hours_per_week": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        people = client.support_people.exclude(involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
        if self.instance.pk is None:
            people = people.filter(carer__isnull=True)
        self.fields["support_person"].queryset = people
        self.fields["support_person"].help_text = _(
            "Add the person to the support network first. A do-not-contact person is not offered."
        )


class CarerReviewForm(forms.ModelForm):
    """A review of the carer's own needs."""

    class Meta:
        model = CarerNeedsReview
        fields = ["reviewed_on", "needs", "support_offered"]
        widgets = {
            "reviewed_on": DateInput,
            "needs": forms.Textarea(attrs={"rows": 4}),
            "support_offered": forms.Textarea(attrs={"rows": 3}),
        }


class SpendingForm(forms.ModelForm):
    """Money spent for the client: amount (in OUTREACH_CURRENCY), purpose, day, note."""

    class Meta:
        model = Spending
        fields = ["amount", "purpose", "spent_on", "note"]
        widgets = {
            "amount": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": "0.01", "step": "0.01"}
            ),
            "purpose": forms.RadioSelect,
            "spent_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {
            "currency": settings.OUTREACH_CURRENCY
        }


class PeriodForm(forms.Form):
    """A period of days for the team's costs (both ends included)."""

    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="period_reversed"
            )
        return data
