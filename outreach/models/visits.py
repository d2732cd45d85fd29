"""Planned visits: the tandem's week, each visit turned into a logged contact or marked missed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.models.contacts import Contact
from outreach.models.people import Client, User


class PlannedVisit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="planned_visits")
    planned_on = models.DateField(_("day"))
    planned_time = models.TimeField(_("time"), null=True, blank=True)
    staff = models.ManyToManyField(User, related_name="planned_visits", verbose_name=_("who goes"))
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_visit",
        verbose_name=_("contact logged"),
    )
    missed_reason = models.CharField(_("why missed"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="visits_planned"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="visits_closed"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["planned_on", "planned_time", "pk"]
        verbose_name = _("planned visit")
        indexes = [models.Index(fields=["client", "status", "planned_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="missed") | ~Q(missed_reason=""),
                name="plannedvisit_missed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.planned_on}"

    def clean(self) -> None:
        if self.status == self.Status.MISSED and not self.missed_reason.strip():
            raise ValidationError(
                {"missed_reason": _("Say why the visit did not happen.")}, code="missed_no_reason"
            )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED
