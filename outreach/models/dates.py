"""Validators of dates and times a user enters: nothing in the future."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def not_in_future(value: date) -> None:
    """Reject a date after today (local time)."""
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


def not_in_future_dt(value) -> None:
    """Reject a moment later than now (a minute of clock skew allowed)."""
    if value and value > timezone.now() + timezone.timedelta(minutes=1):
        raise ValidationError(_("The time cannot be in the future."), code="future_time")
