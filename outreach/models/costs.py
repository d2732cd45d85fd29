"""Money spent for a client (costs, issue 19); travel per contact is on `Contact`.

Internal figures only: shown to the team's supervisor, never in a published report.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.models.people import Client, User


def default_currency() -> str:
    """The currency amounts are recorded in (OUTREACH_CURRENCY)."""
    return settings.OUTREACH_CURRENCY


class Spending(models.Model):
    class Purpose(models.TextChoices):
        ID_FEES = "id_fees", _("Identity document fees")
        TRANSPORT = "transport", _("Transport")
        FOOD = "food", _("Food")
        HOUSING_DEPOSIT = "housing_deposit", _("Housing deposit or rent")
        MEDICATION = "medication", _("Medication or health fees")
        CLOTHING = "clothing", _("Clothing and hygiene")
        PHONE = "phone", _("Phone")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="spendings")
    spent_on = models.DateField(_("spent on"), validators=[not_in_future])
    amount = models.DecimalField(
        _("amount"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default=default_currency, editable=False
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        indexes = [models.Index(fields=["spent_on"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.get_purpose_display()} {self.spent_on}"
