"""Care plans written with the client, their agreements, and assessments with instruments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.models import Client, Episode, User, not_in_future


class CarePlan(models.Model):
    """The current plan of one episode; every save is a version (django-simple-history)."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="careplan")
    what_matters = models.TextField(_("what matters to me"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("care plan")

    def __str__(self) -> str:
        return f"{_('Care plan')} {self.episode.client}"


class PlanAgreement(models.Model):
    """The client agreed the plan (first time or at a review). Feeds care_plan_coverage."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First agreement")
        REVIEW = "review", _("Review")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plan_agreements")
    careplan = models.ForeignKey(
        CarePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    agreed_on = models.DateField(_("agreed on"), validators=[not_in_future])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REVIEW)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_on"]
        verbose_name = _("plan agreement")

    def __str__(self) -> str:
        return f"{self.client} {self.agreed_on}"


class Instrument(models.Model):
    """An outcome measure as data: items, scale and scoring rule; added without code.

    `items` is a list of `{"code", "type": "scale"|"yes_no", "min", "max", "text": {"en", "bg"},
    "labels": {"1": {"en", "bg"}, ...}, "more_help": bool}`; `scoring` is
    `{"rule": "mean"|"sum", "items": [...], "sub_scores": [{"code", "label", "rule", "items"}]}`.
    See careplans/instruments.py, which validates both in `clean()`.
    """

    class RatedBy(models.TextChoices):
        CLIENT = "client", _("Client")
        WORKER = "worker", _("Worker")

    code = models.SlugField(_("code"))
    version = models.CharField(_("version"), max_length=20, default="1")
    name = models.CharField(_("name"), max_length=200)
    name_bg = models.CharField(_("name in Bulgarian"), max_length=200, blank=True)
    items = models.JSONField(_("items"), default=list)
    scoring = models.JSONField(_("scoring rule"), default=dict)
    rated_by = models.CharField(
        _("rated by"), max_length=10, choices=RatedBy.choices, default=RatedBy.CLIENT
    )
    licence_note = models.TextField(_("licence note"), blank=True)
    scheduled = models.BooleanField(
        _("on the review clock"),
        default=False,
        help_text=_("Due at months 0, 3, 6 and 9 of every open episode."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("instrument")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="instrument_code_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code} v{self.version})"

    @property
    def display_name(self) -> str:
        from careplans.instruments import pick_language

        return pick_language({"en": self.name, "bg": self.name_bg})

    def clean(self) -> None:
        from careplans.instruments import validate_definition

        validate_definition(items=self.items, scoring=self.scoring)


class Assessment(models.Model):
    class Timepoint(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MONTH_3 = "month_3", _("Month 3")
        MONTH_6 = "month_6", _("Month 6")
        MONTH_9 = "month_9", _("Month 9")
        DISCHARGE = "discharge", _("Discharge")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    episode = models.ForeignKey(
        Episode, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    instrument_version = models.CharField(
        _("instrument version"), max_length=20, blank=True, editable=False
    )
    assessed_on = models.DateField(_("assessed on"), validators=[not_in_future])
    timepoint = models.CharField(
        _("timepoint"), max_length=20, choices=Timepoint.choices, blank=True
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    help_wanted = models.JSONField(
        _("items the client wants more help with"), default=list, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    scores = models.JSONField(_("sub-scores"), default=dict, blank=True)
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument", "assessed_on"], name="assessment_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.client} {self.assessed_on}"

    def clean(self) -> None:
        if self.score is not None and self.score < 0:
            raise ValidationError({"score": _("A score cannot be negative.")})
