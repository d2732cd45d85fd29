"""Referrals: from a partner's submission to an accepted client."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.models import Client, Municipality, Sex, Team, User, not_in_future_dt


class Source(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_SERVICES = "social_services", _("Social-assistance directorate")
    HOSPITAL = "hospital", _("Hospital")
    GP = "gp", _("GP")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    FAMILY = "family", _("Family")
    SELF = "self", _("Self-referral")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    SCREENING = "screening", _("Screening")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECIDED_STATUSES = frozenset(
    {Status.ACCEPTED, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN}
)


class Referral(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="referrals"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("team"),
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="submitted_referrals"
    )
    received_at = models.DateTimeField(_("received at"), validators=[not_in_future_dt])
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_organisation = models.CharField(_("referring organisation"), max_length=200, blank=True)
    referrer_name = models.CharField(_("referrer"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=40, blank=True)
    # The person, as much as is known.
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    whereabouts = models.TextField(_("whereabouts"), blank=True)
    reasons = models.TextField(_("reasons for referral"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    person_knows = models.BooleanField(_("the person knows about this referral"), default=False)
    person_agrees = models.BooleanField(_("the person agrees"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, validators=[not_in_future_dt]
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="decided_referrals"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("referral")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=models.F("received_at")),
                name="referral_decision_after_receipt",
            ),
        ]
        indexes = [models.Index(fields=["received_at"]), models.Index(fields=["decided_at"])]

    def __str__(self) -> str:
        name = " ".join(p for p in (self.given_name, self.family_name) if p) or _("unnamed person")
        return f"{name} ({self.received_at:%Y-%m-%d})"

    def clean(self) -> None:
        if self.received_at and self.decided_at and self.decided_at < self.received_at:
            raise ValidationError(
                {"decided_at": _("A decision cannot be made before the referral was received.")},
                code="decision_before_receipt",
            )
