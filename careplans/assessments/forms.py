"""The assessment form, built from the instrument's items (one radio group per item)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.assessments.instruments import pick_language
from careplans.models import Assessment, Instrument

YES_NO = (("yes", _("Yes")), ("no", _("No")))


@dataclass
class Option:
    value: str
    number: str
    label: str
    checked: bool
    input_id: str


@dataclass
class ItemRow:
    code: str
    kind: str
    text: str
    field: forms.BoundField
    options: list[Option]
    help_field: forms.BoundField | None
    low_label: str
    high_label: str


def item_field_name(code: str) -> str:
    return f"item_{code}"


def help_field_name(code: str) -> str:
    return f"help_{code}"


class AssessmentForm(forms.Form):
    """Input shape only: the service checks the answers again and computes the score."""

    assessed_on = forms.DateField(
        label=_("Date of the assessment"), widget=forms.DateInput(attrs={"type": "date"})
    )
    timepoint = forms.ChoiceField(label=_("Timepoint"), choices=Assessment.Timepoint.choices)

    def __init__(self, *args: Any, instrument: Instrument, language: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.instrument = instrument
        self.language = language
        for item in instrument.items:
            code = item["code"]
            text = pick_language(item.get("text"), language)
            if item.get("type", "scale") == "yes_no":
                choices = YES_NO
            else:
                choices = [(str(v), str(v)) for v in range(item["min"], item["max"] + 1)]
            self.fields[item_field_name(code)] = forms.ChoiceField(
                label=text,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer this question.")},
            )
            if item.get("more_help"):
                self.fields[help_field_name(code)] = forms.BooleanField(
                    label=_("Wants more help with this"), required=False
                )

    def item_rows(self) -> list[ItemRow]:
        """Each item with its radio options, in the chosen language, for the template."""
        rows = []
        for item in self.instrument.items:
            code = item["code"]
            bound = self[item_field_name(code)]
            current = "" if bound.value() is None else str(bound.value())
            labels = item.get("labels", {})
            kind = item.get("type", "scale")
            options = []
            for index, (value, display) in enumerate(bound.field.choices):
                label = (
                    pick_language(labels.get(value), self.language)
                    if kind == "scale"
                    else str(display)
                )
                options.append(
                    Option(
                        value=value,
                        number=str(display),
                        label=label,
                        checked=current == value,
                        input_id=f"id_{bound.html_name}_{index}",
                    )
                )
            rows.append(
                ItemRow(
                    code=code,
                    kind=kind,
                    text=bound.label,
                    field=bound,
                    options=options,
                    help_field=self[help_field_name(code)] if item.get("more_help") else None,
                    low_label=options[0].label if kind == "scale" else "",
                    high_label=options[-1].label if kind == "scale" else "",
                )
            )
        return rows

    def answers(self) -> dict[str, str]:
        return {
            item["code"]: self.cleaned_data.get(item_field_name(item["code"]))
            for item in self.instrument.items
        }

    def help_wanted(self) -> list[str]:
        return [
            item["code"]
            for item in self.instrument.items
            if item.get("more_help") and self.cleaned_data.get(help_field_name(item["code"]))
        ]

    def field_for(self, key: str) -> str | None:
        """Map an error key of the service (an item code or a field) to a form field."""
        if key in self.fields:
            return key
        if item_field_name(key) in self.fields:
            return item_field_name(key)
        return None


class CarerAssessmentForm(AssessmentForm):
    """A carer's instrument: the date and one radio group per item (no review timepoint)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["timepoint"]
