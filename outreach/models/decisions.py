"""Supported decision-making and legal capacity: decisions the client made with support, and
guardianship over time (WHO counts both)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, SupportPerson, User


class SupportedDecision(models.Model):
    """A decision the client made with support: what, who supported, their will, whether followed."""

    class Followed(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")
        PENDING = "pending", _("Not known yet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="supported_decisions")
    decided_on = models.DateField(_("decided on"), validators=[not_in_future])
    decision = models.TextField(_("what was decided"))
    will_and_preferences = models.TextField(_("the client's will and preferences"))
    support_person = models.ForeignKey(
        SupportPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_decisions",
        verbose_name=_("supported by (from the network)"),
    )
    staff_supporter = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supported by (team member)"),
    )
    other_supporter = models.CharField(_("supported by (someone else)"), max_length=200, blank=True)
    followed = models.CharField(
        _("was the decision followed"),
        max_length=10,
        choices=Followed.choices,
        default=Followed.PENDING,
    )
    followed_note = models.TextField(_("by whom, or why not"), blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("supported decision")

    def __str__(self) -> str:
        return f"{self.client} {self.decided_on}"

    def clean(self) -> None:
        if not (self.support_person_id or self.staff_supporter_id or self.other_supporter.strip()):
            raise ValidationError(
                {"other_supporter": _("Say who supported the client.")}, code="supporter_required"
            )

    @property
    def supporters(self) -> list[str]:
        names = []
        if self.support_person_id:
            names.append(self.support_person.name)
        if self.staff_supporter_id:
            names.append(self.staff_supporter.get_full_name() or self.staff_supporter.username)
        if self.other_supporter:
            names.append(self.other_supporter)
        return names


class GuardianshipStatus(models.Model):
    """The client's legal capacity from a day on: no guardianship, partial or full."""

    class Status(models.TextChoices):
        NONE = "none", _("No guardianship")
        PARTIAL = "partial", _("Partial guardianship")
        FULL = "full", _("Full guardianship")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="guardianship")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    since = models.DateField(_("since"), validators=[not_in_future])
    guardian = models.ForeignKey(
        SupportPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guardianships",
        verbose_name=_("guardian"),
        help_text=_("A person of the client's support network (add them there first)."),
    )
    decided_by = models.CharField(_("decided by (court, case number)"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("guardianship status")
        verbose_name_plural = _("guardianship statuses")
        constraints = [
            models.UniqueConstraint(fields=["client", "since"], name="guardianship_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(status="none") | models.Q(guardian__isnull=False),
                name="guardianship_has_guardian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.status} {self.since}"

    def clean(self) -> None:
        errors = {}
        if self.status in (self.Status.PARTIAL, self.Status.FULL) and not self.guardian_id:
            errors["guardian"] = ValidationError(
                _("Name the guardian (a person of the client's support network)."),
                code="guardian_required",
            )
        if self.guardian_id and self.client_id and self.guardian.client_id != self.client_id:
            errors["guardian"] = ValidationError(
                _("That person is not in this client's network."), code="other_client"
            )
        if (
            self.client_id
            and self.since
            and GuardianshipStatus.objects.filter(client_id=self.client_id, since=self.since)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["since"] = ValidationError(
                _("A status from this day is already recorded."), code="duplicate_since"
            )
        if errors:
            raise ValidationError(errors)
