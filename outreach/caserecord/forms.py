"""Input shapes for the case record's events; order and plausibility checked, no saving here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future, not_in_future_dt
from outreach.forms import DateInput, DateTimeLocalInput
from outreach.models import (
    CONTACT_MINUTES,
    AdverseEvent,
    Agency,
    AgencyRequest,
    CaseAgency,
    CaseConference,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    DischargeReason,
    Episode,
    ExitSurvey,
    HospitalStay,
    LegalBasis,
    Milestone,
    Relapse,
    Responsibility,
    SupportPerson,
    User,
    validate_contact_minutes,
)
from outreach.staff import team_staff


class YesNoUnknown(forms.RadioSelect):
    """A yes / no / not known choice for a nullable boolean, as large tap targets."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not known"))])

    def format_value(self, value):
        mapped = {True: "yes", False: "no", None: "", "True": "yes", "False": "no"}.get(
            value, value
        )
        return super().format_value(mapped)


def yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not known"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=YesNoUnknown,
    )


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class StayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HospitalStay) -> str:
        end = date_format(obj.discharged_on, "SHORT_DATE_FORMAT") if obj.discharged_on else "…"
        return f"{date_format(obj.admitted_on, 'SHORT_DATE_FORMAT')} – {end} {obj.hospital}".strip()


class CrisisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Crisis) -> str:
        when = date_format(timezone.localtime(obj.reported_at), "SHORT_DATETIME_FORMAT")
        return f"{when} {obj.location}".strip()


class ClientEventForm(forms.ModelForm):
    """A model form bound to one client: the instance knows its client before validation."""

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.instance.client = client
        for name in getattr(self.Meta, "radios", ()):
            field = self.fields[name]
            choices = [c for c in field.choices if c[0] != ""]
            field.choices = choices
            field.widget = forms.RadioSelect(choices=choices)


def _legal_bases(client: Client):
    return LegalBasis.objects.filter(country=client.team.municipality.country, active=True)


class HospitalStayForm(ClientEventForm):
    planned = yes_no_field(_("Planned admission"))
    contact_kept = yes_no_field(_("The team kept contact during the stay"))

    class Meta:
        model = HospitalStay
        fields = [
            "pre_intake",
            "admitted_on",
            "discharged_on",
            "hospital",
            "legal_status",
            "legal_basis",
            "planned",
            "decided_by",
            "contact_kept",
            "advance_statement_upheld",
            "note",
        ]
        radios = ("legal_status", "decided_by", "advance_statement_upheld")
        widgets = {
            "admitted_on": DateInput(),
            "discharged_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"discharged_on": _("Leave empty while the client is still in hospital.")}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["legal_basis"].queryset = _legal_bases(client)
        self.fields["pre_intake"].label = _("Before intake (one of the previous 12 months' stays)")


class CoerciveMeasureForm(ClientEventForm):
    class Meta:
        model = CoerciveMeasure
        fields = [
            "started_at",
            "kind",
            "location",
            "hospital_stay",
            "legal_basis",
            "decided_by",
            "client_account",
        ]
        radios = ("kind", "decided_by")
        field_classes = {"hospital_stay": StayChoiceField}
        widgets = {
            "started_at": DateTimeLocalInput(),
            "client_account": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["legal_basis"].queryset = _legal_bases(client)
        self.fields["hospital_stay"].queryset = HospitalStay.objects.filter(client=client)


class DebriefForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), validators=[not_in_future])
    done_by = StaffChoiceField(label=_("Done by"), queryset=User.objects.none())
    client_view = forms.CharField(
        label=_("What the client said"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_should_change = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, measure: CoerciveMeasure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["done_by"].queryset = team_staff(measure.client.team_id)

    def clean(self):
        data = super().clean()
        done_on = data.get("done_on")
        if done_on and done_on < timezone.localtime(self.measure.started_at).date():
            self.add_error("done_on", _("The debrief cannot be before the measure."))
        return data


class CrisisForm(ClientEventForm):
    mobilised_staff = StaffField(
        label=_("Staff mobilised"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Crisis
        fields = [
            "reported_at",
            "reported_by",
            "first_response_at",
            "mobilised_staff",
            "mobilised_others",
            "location",
            "outcome",
            "advance_statement_followed",
        ]
        radios = ("advance_statement_followed",)
        widgets = {
            "reported_at": DateTimeLocalInput(),
            "first_response_at": DateTimeLocalInput(),
            "mobilised_others": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"first_response_at": _("When the team (or a service) first responded.")}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["mobilised_staff"].queryset = team_staff(client.team_id)


class RelapseForm(ClientEventForm):
    class Meta:
        model = Relapse
        fields = ["onset_on", "signs", "crisis", "hospital_stay"]
        field_classes = {"crisis": CrisisChoiceField, "hospital_stay": StayChoiceField}
        widgets = {"onset_on": DateInput(), "signs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["crisis"].queryset = Crisis.objects.filter(client=client)
        self.fields["hospital_stay"].queryset = HospitalStay.objects.filter(client=client)


class AdverseEventForm(ClientEventForm):
    class Meta:
        model = AdverseEvent
        fields = ["kind", "occurred_on", "crisis", "note"]
        field_classes = {"crisis": CrisisChoiceField}
        radios = ("kind",)
        widgets = {"occurred_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["crisis"].queryset = Crisis.objects.filter(client=client)


class MilestoneForm(ClientEventForm):
    class Meta:
        model = Milestone
        fields = ["kind", "achieved_on", "note"]
        radios = ("kind",)
        widgets = {"achieved_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class CaseAgencyForm(ClientEventForm):
    class Meta:
        model = CaseAgency
        fields = ["name", "contact_person", "phone", "involved_since", "ended_on", "note"]
        widgets = {
            "involved_since": DateInput(),
            "ended_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class ResponsibilityForm(ClientEventForm):
    class Meta:
        model = Responsibility
        fields = ["domain", "party", "agency", "task"]
        radios = ("party",)
        help_texts = {"agency": _("Only when an agency is responsible.")}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["agency"].queryset = CaseAgency.objects.filter(client=client)


class AgencyRequestForm(ClientEventForm):
    class Meta:
        model = AgencyRequest
        fields = [
            "listed_agency",
            "case_agency",
            "agency",
            "request",
            "sent_on",
            "responded_on",
            "outcome",
        ]
        widgets = {
            "sent_on": DateInput(),
            "responded_on": DateInput(),
            "request": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"agency": _("or another agency (name)")}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["case_agency"].queryset = CaseAgency.objects.filter(client=client)
        # The municipality's directory: its kind counts the request in the report.
        self.fields["listed_agency"].queryset = Agency.objects.filter(
            municipality_id=client.team.municipality_id, active=True
        )
        self.fields["agency"].required = False
        self.fields["request"].required = True

    def clean(self):
        data = super().clean()
        if data.get("listed_agency"):
            data["agency"] = data["listed_agency"].name
        elif data.get("case_agency"):
            data["agency"] = data["case_agency"].name
        elif not data.get("agency"):
            self.add_error(
                "agency",
                _("Choose an agency of the directory or of the case, or name another one."),
            )
        return data


class AgencyResponseForm(forms.ModelForm):
    class Meta:
        model = AgencyRequest
        fields = ["responded_on", "outcome"]
        widgets = {"responded_on": DateInput(), "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].required = True


class CaseConferenceForm(ClientEventForm):
    staff = StaffField(
        label=_("Staff taking part"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_people = forms.ModelMultipleChoiceField(
        label=_("Support people taking part"),
        queryset=SupportPerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People the client does not want contacted are never offered."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies taking part"),
        queryset=CaseAgency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CaseConference
        fields = [
            "held_on",
            "client_present",
            "staff",
            "support_people",
            "agencies",
            "other_participants",
            "decisions",
        ]
        widgets = {"held_on": DateInput(), "decisions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["staff"].queryset = team_staff(client.team_id)
        self.fields["support_people"].queryset = SupportPerson.objects.filter(
            client=client
        ).exclude(involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
        self.fields["agencies"].queryset = CaseAgency.objects.filter(client=client)


class FollowUpActionForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "owners"}),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("action") and not data.get("owner"):
            self.add_error("owner", _("Every action needs an owner."))
        if not data.get("action") and (data.get("owner") or data.get("due_on")):
            self.add_error("action", _("Say what the action is."))
        return data


FollowUpActionFormSet = forms.formset_factory(FollowUpActionForm, extra=3, max_num=10)


class FollowUpEditForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=DateInput(), validators=[not_in_future]
    )


class GroupSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    started_at = forms.DateTimeField(
        label=_("When"), widget=DateTimeLocalInput(), validators=[not_in_future_dt]
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"),
        initial=60,
        validators=[validate_contact_minutes],
        widget=forms.NumberInput(
            attrs={
                "min": CONTACT_MINUTES[0],
                "max": CONTACT_MINUTES[1],
                "inputmode": "numeric",
                "step": 5,
            }
        ),
    )
    location = forms.ChoiceField(
        label=_("Location"), choices=Contact.Location.choices, initial=Contact.Location.OTHER
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Clients who attended"),
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each attendee gets a contact of their own."),
    )
    staff = StaffField(
        label=_("Staff present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, client: Client, attendee_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendee_queryset
        self.fields["staff"].queryset = team_staff(client.team_id)


class DischargeForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Episode ends on"), widget=DateInput(), validators=[not_in_future]
    )
    discharge_reason = forms.ChoiceField(
        label=_("Reason"), choices=DischargeReason.choices, widget=forms.RadioSelect
    )
    handover_to = forms.CharField(label=_("Handed over to"), max_length=200, required=False)
    handover_plan = forms.CharField(
        label=_("Handover plan: what is arranged"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, episode: Episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode

    def clean(self):
        data = super().clean()
        ended = data.get("ended_on")
        if ended and ended < self.episode.started_on:
            self.add_error("ended_on", _("An episode cannot end before it starts."))
        return data


class ExitSurveyForm(forms.Form):
    """Optional; answered by the client, stored without their identity."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "survey")
        super().__init__(*args, **kwargs)
        for name in (
            "coercion_experienced",
            "felt_respected",
            "advance_statement_upheld",
            "peer_support_offered",
            "community_inclusion",
        ):
            model_field = ExitSurvey._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(
                label=model_field.verbose_name,
                choices=ExitSurvey.Answer.choices,
                required=False,
                widget=forms.RadioSelect,
            )
