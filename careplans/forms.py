"""Input shapes for the care plan pages; saving happens in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.models import (
    Action,
    AdvanceStatement,
    CarePlan,
    ClientResponse,
    Contributor,
    Goal,
    LifeDomain,
)
from careplans.services import ADVANCE_FIELDS
from outreach.dates import not_in_future
from outreach.forms import DateInput
from outreach.models import Client, Consent, ConsentScope, SupportPerson, User

TEXTAREA = {"rows": 3}


class VersionForm(forms.Form):
    """Carries the version the user read, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PlanForm(VersionForm):
    what_matters = forms.CharField(
        label=_("What matters to me (in the client's words)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    contributors = forms.MultipleChoiceField(
        label=_("Who contributed to this version"),
        choices=Contributor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contributors_detail = forms.CharField(
        label=_("Contributors (names or roles)"), required=False, max_length=300
    )
    diagnosis = forms.CharField(label=_("Diagnosis (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in LifeDomain.choices:
            self.fields[f"domain_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def domain_fields(self):
        return [self[f"domain_{key}"] for key in LifeDomain.values]

    def main_fields(self):
        return [self["what_matters"], self["strengths"]]

    def other_fields(self):
        return [self["contributors"], self["contributors_detail"], self["diagnosis"]]

    @staticmethod
    def initial_for(plan: CarePlan) -> dict[str, Any]:
        initial = {
            "version": plan.version,
            "what_matters": plan.what_matters,
            "strengths": plan.strengths,
            "contributors": plan.contributors,
            "contributors_detail": plan.contributors_detail,
            "diagnosis": plan.diagnosis,
        }
        for key in LifeDomain.values:
            initial[f"domain_{key}"] = (plan.domains or {}).get(key, "")
        return initial

    def plan_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what_matters": data["what_matters"],
            "strengths": data["strengths"],
            "contributors": list(data["contributors"]),
            "contributors_detail": data["contributors_detail"],
            "diagnosis": data["diagnosis"],
            "domains": {
                key: data[f"domain_{key}"].strip()
                for key in LifeDomain.values
                if data[f"domain_{key}"].strip()
            },
        }


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: SupportPerson) -> str:
        detail = obj.relation_detail or obj.get_relation_display()
        return f"{obj.name} ({detail})" + (f" · {obj.phone}" if obj.phone else "")


class AdvanceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    crisis_contacts = PersonChoiceField(
        label=_("Whom to contact in a crisis"),
        queryset=SupportPerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People marked 'do not contact' are never offered here."),
    )

    class Meta:
        model = AdvanceStatement
        fields = [*ADVANCE_FIELDS[:10], "crisis_contacts", *ADVANCE_FIELDS[10:]]
        widgets = {
            f: forms.Textarea(attrs=TEXTAREA)
            for f in ADVANCE_FIELDS
            if f not in {"preferred_hospitals", "refused_hospitals", "legally_binding"}
        }

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["crisis_contacts"].queryset = client.support_people.exclude(
            involvement=SupportPerson.Involvement.DO_NOT_CONTACT
        )

    def advance_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ADVANCE_FIELDS}


class GoalForm(VersionForm):
    domain = forms.ChoiceField(label=_("Life domain"), choices=LifeDomain.choices)
    in_their_words = forms.CharField(
        label=_("The goal in the client's words"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    status = forms.ChoiceField(
        label=_("Progress"), choices=Goal.Status.choices, initial=Goal.Status.OPEN
    )


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class SupporterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupportPerson) -> str:
        return obj.name


class ActionForm(VersionForm):
    what = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 2}))
    who = forms.ChoiceField(label=_("Who"), choices=Action.Who.choices, widget=forms.RadioSelect)
    staff = StaffChoice(label=_("Tandem member"), queryset=User.objects.none(), required=False)
    support_person = SupporterChoice(
        label=_("Support person"), queryset=SupportPerson.objects.none(), required=False
    )
    agency = forms.CharField(label=_("Agency"), required=False, max_length=200)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=DateInput(), validators=[not_in_future]
    )

    def __init__(self, *args: Any, client: Client, episode_start, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode_start = episode_start
        tandem = client.tandem
        self.fields["staff"].queryset = (
            User.objects.filter(pk__in=tandem.member_ids()) if tandem else User.objects.none()
        )
        self.fields["support_person"].queryset = client.support_people.exclude(
            involvement=SupportPerson.Involvement.DO_NOT_CONTACT
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        done_on, due_on = data.get("done_on"), data.get("due_on")
        if done_on and done_on < self.episode_start:
            self.add_error("done_on", _("This date is before the episode started."))
        if due_on and due_on < self.episode_start:
            self.add_error("due_on", _("This date is before the episode started."))
        return data


class ResponseForm(VersionForm):
    answer = forms.ChoiceField(
        label=_("The client's answer"),
        choices=ClientResponse.Answer.choices,
        widget=forms.RadioSelect,
    )
    in_their_words = forms.CharField(
        label=_("In the client's words"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when the client disagrees: their reasons, as they said them."),
    )
    responded_on = forms.DateField(
        label=_("On"), widget=DateInput(), initial=timezone.localdate, validators=[not_in_future]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("answer") == ClientResponse.Answer.DISAGREE
            and not data.get("in_their_words", "").strip()
        ):
            self.add_error("in_their_words", _("Write down the client's reasons in their words."))
        return data


class CommentForm(forms.Form):
    plan_version = forms.TypedChoiceField(label=_("About version"), coerce=int)
    text = forms.CharField(label=_("The client's comment"), widget=forms.Textarea(attrs=TEXTAREA))
    made_on = forms.DateField(
        label=_("Made on"),
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[not_in_future],
    )

    def __init__(self, *args: Any, versions: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].choices = [(v, _("Version %d") % v) for v in versions]
        if versions:
            self.fields["plan_version"].initial = versions[0]


class ReviewForm(VersionForm):
    held_on = forms.DateField(
        label=_("Held on"),
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[not_in_future],
    )
    what_changed = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs=TEXTAREA))
    goal_progress = forms.CharField(
        label=_("Progress on the goals (notes)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.in_their_words[:120],
                choices=Goal.Status.choices,
                initial=goal.status,
            )

    def goal_statuses(self) -> dict[int, str]:
        return {g.pk: self.cleaned_data[f"goal_{g.pk}"] for g in self.goals}


class ConsentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Consent) -> str:
        return f"{obj.recipient} · {obj.get_scope_display()}"


class ShareForm(forms.Form):
    consent = ConsentChoice(
        label=_("Share with"),
        queryset=Consent.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["consent"].queryset = (
            client.consents.filter(given_on__lte=today, scope=ConsentScope.CRISIS_SHEET)
            .exclude(withdrawn_on__lte=today)
            .exclude(valid_until__lt=today)
            .exclude(support_person__involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
        )
