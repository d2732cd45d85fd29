"""Complaints of a client (WHO's complaints mechanism): about whom or what, response, outcome."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, User


class Complaint(models.Model):
    class About(models.TextChoices):
        STAFF = "staff", _("A member of the team")
        TEAM = "team", _("The team or its service")
        AGENCY = "agency", _("Another agency or service")
        HOSPITAL = "hospital", _("A hospital")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        RESOLVED = "resolved", _("Resolved by agreement")
        WITHDRAWN = "withdrawn", _("Withdrawn by the client")
        REFERRED = "referred", _("Referred to another body")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"), validators=[not_in_future])
    about_kind = models.CharField(_("about"), max_length=10, choices=About.choices)
    about = models.CharField(_("about whom or what (in words)"), max_length=200)
    complaint = models.TextField(_("the complaint, in the client's words"))
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(
        _("responded on"), null=True, blank=True, validators=[not_in_future]
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[not_in_future])
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("complaint")
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("received_on")),
                name="complaint_response_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="complaint_closed_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""),
                name="complaint_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["closed_on"])]

    def __str__(self) -> str:
        return f"{self.client} {self.received_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self) -> None:
        errors = {}
        for field in ("responded_on", "closed_on"):
            day = getattr(self, field)
            if day and self.received_on and day < self.received_on:
                errors[field] = ValidationError(
                    _("This date is before the complaint was received."),
                    code="before_received",
                )
        if self.closed_on and not self.outcome:
            errors["outcome"] = ValidationError(
                _("Give the outcome of a closed complaint."), code="outcome_required"
            )
        if self.outcome and not self.closed_on:
            errors["closed_on"] = ValidationError(
                _("Give the day the complaint was closed with this outcome."),
                code="closed_on_required",
            )
        if errors:
            raise ValidationError(errors)
