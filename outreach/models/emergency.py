"""Break-the-glass: a time-limited, read-only grant to another team's client, reviewed afterwards."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models.people import Client, User


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    QUESTIONED = "questioned", _("Questioned")


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self) -> EmergencyAccessQuerySet:
        """Grants whose time has not run out."""
        return self.filter(expires_at__gt=timezone.now())

    def pending_review(self) -> EmergencyAccessQuerySet:
        """Grants the client's team supervisor has not reviewed yet."""
        return self.filter(reviewed_at__isnull=True)


class EmergencyAccess(models.Model):
    """One use of emergency access: who opened which client of another team, why, until when."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="emergency_accesses", verbose_name=_("user")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("client"),
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emergency_reviews",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    outcome = models.CharField(
        _("review outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "client", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="emergencyaccess_expires_after_granted",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, outcome="")
                | Q(
                    reviewed_at__isnull=False,
                    reviewed_by__isnull=False,
                    outcome__in=["accepted", "questioned"],
                ),
                name="emergencyaccess_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.client.code} {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
