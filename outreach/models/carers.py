"""Carers: a person of the client's support network who cares for them, and the carer's needs.

Carers receive services too (DESIGN §2a): their involvement is recorded, their own needs are
reviewed (first within `FIRST_REVIEW_DAYS` of being recorded as a carer, then every
`REVIEW_INTERVAL_DAYS`), and their burden is measured with an instrument added as data
(`careplans.CarerAssessment`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, SupportPerson, User


class Carer(models.Model):
    # The carer's needs are first reviewed within a month of being recorded, then yearly.
    FIRST_REVIEW_DAYS = 30
    REVIEW_INTERVAL_DAYS = 365

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal care")
        PRACTICAL = "practical", _("Practical help (home, shopping, money)")
        EMOTIONAL = "emotional", _("Emotional support")
        SUPERVISION = "supervision", _("Keeping an eye, medication")
        COORDINATION = "coordination", _("Appointments and contact with services")
        LIVES_WITH = "lives_with", _("Lives with the client")
        OTHER = "other", _("Other")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        SEVERAL_WEEKLY = "several_weekly", _("Several times a week")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        OCCASIONALLY = "occasionally", _("Occasionally")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="carers")
    support_person = models.OneToOneField(
        SupportPerson,
        on_delete=models.CASCADE,
        related_name="carer",
        verbose_name=_("person of the support network"),
    )
    kind = models.CharField(_("involvement"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours a week (about)"), null=True, blank=True
    )
    since = models.DateField(_("caring since"), null=True, blank=True, validators=[not_in_future])
    note = models.TextField(_("note"), blank=True)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate, editable=False)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["support_person__name"]
        verbose_name = _("carer")
        verbose_name_plural = _("carers")

    def __str__(self) -> str:
        return self.support_person.name

    def clean(self) -> None:
        if self.support_person_id and self.client_id:
            if self.support_person.client_id != self.client_id:
                raise ValidationError(
                    {
                        "support_person": ValidationError(
                            _("This person is in another client's support network."),
                            code="other_client",
                        )
                    }
                )
            if self.support_person.do_not_contact:
                raise ValidationError(
                    {
                        "support_person": ValidationError(
                            _("The client asked that this person is not contacted."),
                            code="carer_do_not_contact",
                        )
                    }
                )

    def review_due_on(self, last_review: date | None) -> date:
        """When the carer's needs are next to be reviewed, given the last review (or none)."""
        if last_review is None:
            return self.recorded_on + timedelta(days=self.FIRST_REVIEW_DAYS)
        return last_review + timedelta(days=self.REVIEW_INTERVAL_DAYS)


class CarerNeedsReview(models.Model):
    """A conversation with the carer about their own needs and the support offered to them."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="needs_reviews")
    reviewed_on = models.DateField(_("reviewed on"), validators=[not_in_future])
    needs = models.TextField(_("the carer's needs, in their words"))
    support_offered = models.TextField(_("support offered or agreed"), blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("carer's needs review")
        verbose_name_plural = _("carer's needs reviews")

    def __str__(self) -> str:
        return f"{self.carer} {self.reviewed_on}"
