"""Input shapes for risk, supported decisions, guardianship, complaints and staff training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.caserecord.forms import (
    ClientEventForm,
    CrisisChoiceField,
    StaffChoiceField,
    StayChoiceField,
)
from outreach.forms import DateInput
from outreach.models import (
    Complaint,
    Crisis,
    GuardianshipStatus,
    HospitalStay,
    RiskAssessment,
    RiskDomain,
    RiskDomainKind,
    SupervisionSession,
    SupportedDecision,
    SupportPerson,
    Training,
    User,
)
from outreach.staff import team_staff


class RiskAssessmentForm(ClientEventForm):
    crisis = CrisisChoiceField(
        label=_("After the crisis"), queryset=Crisis.objects.none(), required=False
    )
    hospital_stay = StayChoiceField(
        label=_("After the admission"), queryset=HospitalStay.objects.none(), required=False
    )

    class Meta:
        model = RiskAssessment
        fields = [
            "assessed_on",
            "reason",
            "crisis",
            "hospital_stay",
            "written_with_client",
            "summary",
            "client_comment",
        ]
        radios = ("reason",)
        widgets = {
            "assessed_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "client_comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["crisis"].queryset = Crisis.objects.filter(client=client)
        self.fields["hospital_stay"].queryset = HospitalStay.objects.filter(
            client=client, pre_intake=False
        )


class RiskDomainForm(forms.ModelForm):
    """The four texts of one domain; the domain is the form's prefix."""

    class Meta:
        model = RiskDomain
        fields = ["known", "client_view", "what_helps", "plan"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields}


def risk_domain_forms(data, current: RiskAssessment | None) -> list[tuple[str, RiskDomainForm]]:
    """One form per domain, filled in from the current version (a review starts from it)."""
    before = {d.domain: d for d in current.domains.all()} if current is not None else {}
    out = []
    for kind, label in RiskDomainKind.choices:
        old = before.get(kind)
        initial = {f: getattr(old, f) for f in RiskDomainForm.Meta.fields} if old else {}
        out.append((label, RiskDomainForm(data, prefix=kind, initial=initial)))
    return out


class ListedRiskDomainForm(RiskDomainForm):
    """One domain of a list (the API's shape): which domain, and its four texts."""

    class Meta(RiskDomainForm.Meta):
        fields = ["domain", *RiskDomainForm.Meta.fields]


def listed_risk_domains(items) -> tuple[dict[str, dict[str, str]], list[Any] | None]:
    """The domains of a list (the API's shape) as the service takes them, and the errors.

    Each item is a known domain with its texts; a domain at most once (the page has one form
    per domain, so it cannot name one twice). The errors are None, one dict per item, or a
    message for the whole list.
    """
    if not isinstance(items, list):
        return {}, [_("Send a list of domains.")]
    domain_forms = [ListedRiskDomainForm(item if isinstance(item, dict) else {}) for item in items]
    item_errors = [{} if f.is_valid() else dict(f.errors) for f in domain_forms]
    if any(item_errors):
        return {}, [{k: [str(e) for e in v] for k, v in errs.items()} for errs in item_errors]
    kinds = [f.cleaned_data["domain"] for f in domain_forms]
    if len(kinds) != len(set(kinds)):
        return {}, [_("Each domain at most once.")]
    return {f.cleaned_data["domain"]: f.cleaned_data for f in domain_forms}, None


class SupportedDecisionForm(ClientEventForm):
    staff_supporter = StaffChoiceField(
        label=_("Supported by (team member)"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = SupportedDecision
        fields = [
            "decided_on",
            "decision",
            "will_and_preferences",
            "support_person",
            "staff_supporter",
            "other_supporter",
            "followed",
            "followed_note",
        ]
        radios = ("followed",)
        widgets = {
            "decided_on": DateInput(),
            "decision": forms.Textarea(attrs={"rows": 2}),
            "will_and_preferences": forms.Textarea(attrs={"rows": 3}),
            "followed_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["support_person"].queryset = client.support_people.exclude(
            involvement=SupportPerson.Involvement.DO_NOT_CONTACT
        )
        self.fields["staff_supporter"].queryset = team_staff(client.team_id)


class GuardianshipForm(ClientEventForm):
    class Meta:
        model = GuardianshipStatus
        fields = ["status", "since", "guardian", "decided_by", "note"]
        radios = ("status",)
        widgets = {"since": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["guardian"].queryset = client.support_people.all()


class ComplaintForm(ClientEventForm):
    class Meta:
        model = Complaint
        fields = [
            "received_on",
            "about_kind",
            "about",
            "complaint",
            "response",
            "responded_on",
            "outcome",
            "closed_on",
        ]
        radios = ("about_kind",)
        widgets = {
            "received_on": DateInput(),
            "responded_on": DateInput(),
            "closed_on": DateInput(),
            "complaint": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, client, can_close: bool, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        if not can_close:
            # The outcome and closing are the supervisor's (outreach.access.can_close_complaint).
            del self.fields["outcome"]
            del self.fields["closed_on"]


class TeamStaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class TrainingForm(forms.ModelForm):
    attendees = TeamStaffField(
        label=_("Who attended"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = ["kind", "title", "held_on", "hours", "provider", "attendees"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["attendees"].queryset = team_staff(team)


class SupervisionSessionForm(forms.ModelForm):
    attendees = TeamStaffField(
        label=_("Who took part"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SupervisionSession
        fields = ["kind", "held_on", "supervisor_name", "attendees", "topics"]
        widgets = {"held_on": DateInput(), "topics": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["attendees"].queryset = team_staff(team)
        self.fields["kind"].widget = forms.RadioSelect(choices=SupervisionSession.Kind.choices)
