"""Episodes of care: from acceptance to discharge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, Tandem


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    TRANSFERRED = "transferred", _("Transferred")
    MOVED_AWAY = "moved_away", _("Moved away")
    CLIENT_ENDED = "client_ended", _("Client ended the relationship")
    DISENGAGED = "disengaged", _("Disengaged")
    DECLINED_SERVICE = "declined_service", _("Declined service")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class Episode(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    tandem = models.ForeignKey(
        Tandem, on_delete=models.SET_NULL, null=True, blank=True, related_name="episodes"
    )
    started_on = models.DateField(_("started on"), validators=[not_in_future])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[not_in_future])
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    source_ref = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("episode")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.client} {self.started_on}–{self.ended_on or ''}"

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = ValidationError(
                _("An episode cannot end before it starts."), code="end_before_start"
            )
        if self.ended_on and not self.discharge_reason:
            errors["discharge_reason"] = ValidationError(
                _("Give the reason the episode ended."), code="reason_required"
            )
        if not self.ended_on and self.discharge_reason:
            errors["discharge_reason"] = ValidationError(
                _("An open episode has no discharge reason."), code="reason_without_end"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
