"""Risk assessment and management, written with the client: domains in words, no score.

Each review is a new version of the client's assessment; earlier versions are kept as they
were written (the history). The latest version is the current one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.caserecord import Crisis, HospitalStay
from outreach.models.episodes import Episode
from outreach.models.people import Client, User


class RiskDomainKind(models.TextChoices):
    HARM_TO_SELF = "harm_to_self", _("Harm to self")
    HARM_FROM_OTHERS = "harm_from_others", _("Harm from others and exploitation")
    HARM_TO_OTHERS = "harm_to_others", _("Harm to others")
    SELF_NEGLECT = "self_neglect", _("Self-neglect")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")


class RiskReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled review (months 0, 3, 6, 9…)")
    AFTER_CRISIS = "after_crisis", _("After a crisis")
    AFTER_ADMISSION = "after_admission", _("After a hospital admission")
    CORRECTION = "correction", _("Correction of the current version")
    OTHER = "other", _("Other")


class RiskAssessment(models.Model):
    """One version of the client's risk assessment and management plan."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="risk_assessments")
    episode = models.ForeignKey(
        Episode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    assessed_on = models.DateField(_("reviewed with the client on"), validators=[not_in_future])
    reason = models.CharField(
        _("why now"), max_length=20, choices=RiskReviewReason.choices, default="scheduled"
    )
    crisis = models.ForeignKey(
        Crisis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("after the crisis"),
    )
    hospital_stay = models.ForeignKey(
        HospitalStay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("after the admission"),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("A few lines everyone opening the record should know (shown as an alert)."),
    )
    written_with_client = models.BooleanField(_("written with the client"), default=True)
    client_comment = models.TextField(_("the client's comment on the whole plan"), blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk assessment")
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="risk_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client} risk v{self.version}"

    def clean(self) -> None:
        errors = {}
        if self.reason == RiskReviewReason.AFTER_CRISIS and not self.crisis_id:
            errors["crisis"] = ValidationError(
                _("Choose the crisis this review follows."), code="crisis_required"
            )
        if self.reason == RiskReviewReason.AFTER_ADMISSION and not self.hospital_stay_id:
            errors["hospital_stay"] = ValidationError(
                _("Choose the admission this review follows."), code="stay_required"
            )
        if errors:
            raise ValidationError(errors)


class RiskDomain(models.Model):
    """One domain of a risk assessment: what is known, the client's view, what helps, the plan."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=20, choices=RiskDomainKind.choices)
    known = models.TextField(_("what is known"), blank=True)
    client_view = models.TextField(_("the client's view"), blank=True)
    what_helps = models.TextField(_("what helps"), blank=True)
    plan = models.TextField(_("what the plan is"), blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("risk domain")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="risk_domain_unique"),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()

    @property
    def is_empty(self) -> bool:
        return not (self.known or self.client_view or self.what_helps or self.plan)
