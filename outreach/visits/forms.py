"""Input shapes of planned visits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.forms import DateInput, StaffChoiceField
from outreach.models import Client, PlannedVisit, User


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return obj.full_name


class VisitPlanForm(forms.Form):
    """A visit: to whom, which day, at what time (optional), who goes, what for."""

    client = ClientChoiceField(label=_("Client"), queryset=Client.objects.none())
    planned_on = forms.DateField(label=_("Day"), widget=DateInput())
    planned_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Optional."),
    )
    staff = StaffChoiceField(
        label=_("Who goes"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PlannedVisit._meta.get_field("purpose").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. bring the benefits form")}),
    )

    def __init__(self, *args, client_queryset, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_queryset
        self.fields["staff"].queryset = staff_queryset


class VisitEditForm(VisitPlanForm):
    """A visit's new day, time, who goes and purpose (the client stays: plan a new visit)."""

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(
            *args, client_queryset=Client.objects.none(), staff_queryset=staff_queryset, **kwargs
        )
        del self.fields["client"]


class VisitCancelForm(forms.Form):
    """Why a planned visit is called off (optional)."""

    cancel_reason = forms.CharField(
        label=_("Why is it cancelled?"),
        required=False,
        max_length=PlannedVisit._meta.get_field("cancel_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional."),
    )


class VisitMissedForm(forms.Form):
    """Why a planned visit did not happen."""

    missed_reason = forms.CharField(
        label=_("Why did the visit not happen?"),
        max_length=PlannedVisit._meta.get_field("missed_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
