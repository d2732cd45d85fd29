"""Input shapes for the core record's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models import (
    CONTACT_MINUTES,
    CaseAgency,
    Client,
    Consent,
    Contact,
    Intervention,
    SupportPerson,
    Team,
    User,
    WithdrawalMode,
)
from outreach.models.contacts import TRAVEL_KM_MAX, TRAVEL_MINUTES_MAX


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where they exist."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def errors_text(form: forms.BaseForm) -> str:
    """A form's errors as one sentence, for a message after a one-button form (no page)."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ContactForm(forms.ModelForm):
    """A contact; the model refuses a time in the future and minutes outside CONTACT_MINUTES."""

    staff = StaffChoiceField(
        label=_("Staff present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interventions = forms.ModelMultipleChoiceField(
        label=_("Interventions delivered"),
        queryset=Intervention.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "started_at",
            "mode",
            "outcome",
            "failure_reason",
            "location",
            "duration_minutes",
            "staff",
            "informal_support_present",
            "interventions",
            "note",
            "travel_minutes",
            "travel_km",
        ]
        widgets = {
            "travel_minutes": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 0, "max": TRAVEL_MINUTES_MAX, "step": 5}
            ),
            "travel_km": forms.NumberInput(
                attrs={"inputmode": "decimal", "min": 0, "max": TRAVEL_KM_MAX, "step": "0.1"}
            ),
            "started_at": DateTimeLocalInput(),
            "mode": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "duration_minutes": forms.NumberInput(
                attrs={
                    "min": CONTACT_MINUTES[0],
                    "max": CONTACT_MINUTES[1],
                    "inputmode": "numeric",
                    "step": 5,
                }
            ),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, staff_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (
            staff_queryset if staff_queryset is not None else User.objects.none()
        )
        self.fields["location"].required = False
        self.fields["failure_reason"].required = False
        self.fields["location"].help_text = _("Only for face-to-face contacts.")
        self.fields["failure_reason"].help_text = _("Only when the client was not met.")

    def clean(self):
        data = super().clean()
        if data.get("mode") != Contact.Mode.FACE_TO_FACE:
            data["location"] = ""
        if data.get("outcome") == Contact.Outcome.MET:
            data["failure_reason"] = ""
        return data


class ClientForm(forms.ModelForm):
    """A client's details; supervisors also assign the tandem."""

    def __init__(self, *args, tandem_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tandem_queryset is None:
            del self.fields["tandem"]
        else:
            self.fields["tandem"].queryset = tandem_queryset

    class Meta:
        model = Client
        fields = [
            "given_name",
            "family_name",
            "known_as",
            "birth_date",
            "sex",
            "phone",
            "whereabouts",
            "housing",
            "documents",
            "income",
            "preferred_language",
            "interpreter_needed",
            "interpreter_language",
            "tandem",
        ]
        widgets = {"birth_date": DateInput(), "whereabouts": forms.Textarea(attrs={"rows": 2})}


class EngagementForm(forms.ModelForm):
    """The minimal record of a person the team is trying to engage, before any consent."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args, team_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            team_queryset if team_queryset is not None else Team.objects.none()
        )
        if self.fields["team"].queryset.count() == 1:
            self.fields["team"].initial = self.fields["team"].queryset.first()
        self.fields["given_name"].help_text = _(
            "A first name or the name the person uses is enough."
        )

    class Meta:
        model = Client
        fields = [
            "given_name",
            "family_name",
            "known_as",
            "sex",
            "birth_date",
            "phone",
            "whereabouts",
            "team",
        ]
        widgets = {"birth_date": DateInput(), "whereabouts": forms.Textarea(attrs={"rows": 2})}


class SupportPersonForm(forms.ModelForm):
    class Meta:
        model = SupportPerson
        fields = ["name", "relation", "relation_detail", "phone", "involvement", "note"]
        widgets = {"involvement": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 2})}


class ConsentForm(forms.ModelForm):
    """A consent to share one kind of document with a named agency or person."""

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].required = True
        people = client.support_people.all() if client is not None else SupportPerson.objects.none()
        self.fields["support_person"].queryset = people.exclude(
            involvement=SupportPerson.Involvement.DO_NOT_CONTACT
        )
        agencies = client.agencies.all() if client is not None else CaseAgency.objects.none()
        self.fields["agency"].queryset = agencies

    class Meta:
        model = Consent
        fields = [
            "recipient_kind",
            "recipient",
            "support_person",
            "agency",
            "scope",
            "given_on",
            "valid_until",
        ]
        widgets = {"given_on": DateInput(), "valid_until": DateInput()}

    def clean(self):
        data = super().clean()
        given, until = data.get("given_on"), data.get("valid_until")
        if given and until and until < given:
            self.add_error("valid_until", _("A consent cannot end before it was given."))
        return data


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    withdrawn_how = forms.ChoiceField(
        label=_("How the client said it"), choices=WithdrawalMode.choices, widget=forms.RadioSelect
    )


class DoneForm(forms.Form):
    """The day something was done (a plan action, a follow-up): one tap from a list."""

    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), validators=[not_in_future])
