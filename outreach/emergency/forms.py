"""Input of emergency access, its review and the access report's filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.emergency import report
from outreach.emergency.services import REASON_MIN_CHARS, clean_reason
from outreach.models import AuditEvent, ReviewOutcome


class EmergencyAccessForm(forms.Form):
    code = forms.CharField(
        label=_("Client code"),
        max_length=20,
        help_text=_("The exact code of the client, e.g. from the crisis sheet or a colleague."),
    )
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At least %(min)d characters. The client's team supervisor reviews every use.")
        % {"min": REASON_MIN_CHARS},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean_reason(self) -> str:
        try:
            return clean_reason(self.cleaned_data["reason"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["reason"]) from exc


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you question the use."),
    )


class AccessReportFilter(django_filters.FilterSet):
    client = django_filters.CharFilter(
        field_name="client__code", lookup_expr="iexact", label=_("Client code")
    )
    user = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label=_("User (username)")
    )
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        method="filter_kind",
        empty_label=_("All"),
        choices=[
            ("emergency", _("Emergency access only")),
            ("read", _("Reads")),
            ("change", _("Changes")),
        ],
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_kind(self, queryset, name, value):
        if value == "emergency":
            return queryset.filter(report.emergency_q())
        if value == "change":
            return queryset.filter(report.change_q())
        return queryset.exclude(report.change_q())
