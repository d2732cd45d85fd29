"""The client's living situation over time: dated statuses per domain (a history, not one value).

The client's `housing`, `documents` and `income` fields keep the current value of their domain;
`outreach.social.services` writes both in one transaction, so they always agree with the latest
status. Milestones (`Milestone`) stay as they are: an event achieved, not a state.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, DocumentStatus, Housing, IncomeStatus, User


class InsuranceStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    INSURED = "insured", _("Health insurance in force")
    LAPSED = "lapsed", _("Insurance interrupted (contributions unpaid)")
    NONE = "none", _("No health insurance")


class GpStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    REGISTERED = "registered", _("Registered with a GP")
    NONE = "none", _("No GP")


class WorkStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    NONE = "none", _("No work or education")
    EDUCATION = "education", _("In education or training")
    SUPPORTED = "supported", _("Supported or sheltered work")
    VOLUNTEERING = "volunteering", _("Volunteering")
    PAID = "paid", _("Paid work")


class LivingDomain(models.TextChoices):
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income and benefits")
    DOCUMENTS = "documents", _("Identity documents")
    INSURANCE = "insurance", _("Health insurance")
    GP = "gp", _("General practitioner")
    WORK = "work", _("Work or education")


# The statuses of each domain, and the client field that keeps its current value (if any).
DOMAIN_STATUSES: dict[str, type[models.TextChoices]] = {
    LivingDomain.HOUSING: Housing,
    LivingDomain.INCOME: IncomeStatus,
    LivingDomain.DOCUMENTS: DocumentStatus,
    LivingDomain.INSURANCE: InsuranceStatus,
    LivingDomain.GP: GpStatus,
    LivingDomain.WORK: WorkStatus,
}
CLIENT_FIELDS: dict[str, str] = {
    LivingDomain.HOUSING: "housing",
    LivingDomain.INCOME: "income",
    LivingDomain.DOCUMENTS: "documents",
}


def status_label(domain: str, status: str) -> str:
    """The label of a status of a domain ("–" for none)."""
    choices = DOMAIN_STATUSES.get(domain)
    if not status or choices is None:
        return "–"
    try:
        return str(choices(status).label)
    except ValueError:
        return status


class LivingStatus(models.Model):
    """One dated status of one domain of the client's living situation, in force from `since`."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="living_statuses")
    domain = models.CharField(_("domain"), max_length=20, choices=LivingDomain.choices)
    status = models.CharField(_("status"), max_length=20)
    since = models.DateField(_("since"), validators=[not_in_future])
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["domain", "-since", "-pk"]
        verbose_name = _("living situation status")
        verbose_name_plural = _("living situation statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "domain", "since"], name="living_status_one_per_day"
            ),
        ]
        indexes = [models.Index(fields=["client", "domain", "since"])]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.label} ({self.since})"

    @property
    def label(self) -> str:
        return status_label(self.domain, self.status)

    def clean(self) -> None:
        choices = DOMAIN_STATUSES.get(self.domain)
        if choices is not None and self.status not in choices.values:
            raise ValidationError(
                {
                    "status": ValidationError(
                        _("This status does not belong to the domain chosen."),
                        code="status_not_of_domain",
                    )
                }
            )

    def in_force_on(self, day: date) -> bool:
        return self.since <= day
