"""Input shapes of the referral pages: no saving logic."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.forms import DateInput, DateTimeLocalInput
from outreach.models import Client, Municipality, Tandem, Team
from referrals.models import CheckStatus, Criterion, CriterionRole, Referral, Source

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "birth_date",
    "approximate_age",
    "sex",
    "phone",
    "whereabouts",
    "reasons",
    "urgent",
    "person_knows",
    "person_agrees",
]
REFERRER_FIELDS = ["source", "source_organisation", "referrer_name", "referrer_phone"]


class ReferralForm(forms.ModelForm):
    """A partner's (or the team's) referral; staff also give when it was received."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )

    class Meta:
        model = Referral
        fields = ["received_at", *REFERRER_FIELDS, *PERSON_FIELDS]
        widgets = {
            "received_at": DateTimeLocalInput(),
            "birth_date": DateInput(),
            "whereabouts": forms.Textarea(attrs={"rows": 2}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "referrer_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "approximate_age": _("If the birth date is not known."),
            "whereabouts": _("Where the team can find the person."),
        }

    def __init__(self, *args, municipalities, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        choices = list(municipalities)
        self.only_municipality = choices[0] if len(choices) == 1 else None
        if self.only_municipality is not None:
            # One municipality: nothing to choose, so the field is not shown.
            del self.fields["municipality"]
        if staff:
            self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        else:
            del self.fields["received_at"]
        self.fields["reasons"].required = True
        self.fields["given_name"].required = False
        self.fields["source"].initial = Source.SELF if staff else Source.MUNICIPALITY
        self.fields["approximate_age"].widget.attrs.update({"min": 0, "max": 120})

    def chosen_municipality(self) -> Municipality:
        return self.only_municipality or self.cleaned_data["municipality"]

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("given_name", "family_name", "whereabouts", "phone")):
            raise forms.ValidationError(
                _("Give at least a name, a phone or where the person can be found."),
                code="person_unidentified",
            )
        return data


class ScreeningForm(forms.Form):
    """The eligibility checklist of a criteria version: one field per criterion."""

    def __init__(self, *args, criteria: list[Criterion], initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_answers = initial_answers or {}
        for criterion in criteria:
            required = criterion.role != CriterionRole.SCORING
            choices = criterion.choices()
            if not required:
                choices = [*choices, ("", _("Not known"))]
            self.fields[criterion.code] = forms.ChoiceField(
                label=criterion.label,
                choices=choices,
                required=required,
                widget=forms.RadioSelect,
                initial=initial_answers.get(criterion.code, "" if not required else None),
                error_messages={"required": _("Answer this question: it decides eligibility.")},
            )

    def answers(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(c.code) or "" for c in self.criteria}


class TandemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Tandem) -> str:
        return f"{obj.team.name}: {obj}"


def candidate_label(client: Client) -> str:
    """Name, code, team, what matched and whether in care: never more of the record."""
    parts = [client.full_name, client.code, client.team.name]
    matched = getattr(client, "matched", None)
    if matched:
        parts.append(_("same %(fields)s") % {"fields": ", ".join(matched)})
    if getattr(client, "in_care", False):
        parts.append(str(_("in care now")))
    return " · ".join(str(p) for p in parts)


class DecisionForm(forms.Form):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    DECLINE = "decline"
    WITHDRAW = "withdraw"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Accept")),
            (WAITLIST, _("Put on the waiting list")),
            (DECLINE, _("Decline")),
            (WITHDRAW, _("Withdrawn")),
        ],
        help_text=_("A team at capacity puts an accepted referral on its ranked waiting list."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    tandem = TandemChoiceField(label=_("Tandem"), queryset=Tandem.objects.none(), required=False)
    client = forms.ChoiceField(
        label=_("Is this a person the teams already know?"),
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when declining; the referrer sees it."),
    )
    decided_at = forms.DateTimeField(label=_("Decided at"), widget=DateTimeLocalInput())

    def __init__(self, *args, teams, tandems, candidates: list[Client], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["tandem"].queryset = tandems
        # Only clients the user may open (selectors.duplicate_matches): a match in another
        # team is never offered, so its id is as invalid here as any other number.
        self.candidates = {str(c.pk): c for c in candidates}
        self.fields["client"].choices = [("new", _("A new person: create a client record"))] + [
            (str(c.pk), candidate_label(c)) for c in candidates
        ]
        self.fields["decided_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in (self.ACCEPT, self.WAITLIST) and not data.get("team"):
            self.add_error("team", _("Choose the team."))
        if decision == self.ACCEPT and self.candidates and not data.get("client"):
            self.add_error(
                "client",
                _("Possible duplicates exist: choose the existing client or a new person."),
            )
        if decision == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason: the referrer will see it."))
        return data

    def linked_client(self) -> Client | None:
        return self.candidates.get(self.cleaned_data.get("client") or "")


class FairnessForm(forms.Form):
    first = forms.DateField(label=_("From"), widget=DateInput())
    last = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise forms.ValidationError(_("The period ends before it starts."), code="period")
        return data


class DuplicateCheckForm(forms.Form):
    """A supervisor's answer to a possible duplicate: which of their clients it is, or none."""

    DIFFERENT = "different"

    answer = forms.ChoiceField(
        label=_("Is the referred person one of these clients?"), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("For your team's records; the person deciding the referral does not see it."),
    )

    def __init__(self, *args, candidates: list[Client], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}
        self.fields["answer"].choices = [
            (str(c.pk), _("Yes: %(name)s (%(code)s)") % {"name": c.full_name, "code": c.code})
            for c in candidates
        ] + [(self.DIFFERENT, _("No: not the same person"))]

    def status(self) -> str:
        return (
            CheckStatus.DIFFERENT
            if self.cleaned_data["answer"] == self.DIFFERENT
            else CheckStatus.SAME
        )

    def chosen_client(self) -> Client | None:
        return self.candidates.get(self.cleaned_data["answer"])
