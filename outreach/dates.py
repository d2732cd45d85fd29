"""Rules of dates: month arithmetic, whole years, and nothing a user enters in the future.

Forms, serializers, services, the models' validators and the CSV importer all use these, so the
rule and its message are the same wherever a date comes in.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FUTURE_DATE = _("The date cannot be in the future.")
FUTURE_TIME = _("The time cannot be in the future.")
# A moment this far ahead of the server clock still counts as now: a device's clock may run a
# little fast, and a form filled in "now" is submitted some seconds later.
CLOCK_SKEW = timedelta(minutes=1)


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's end (Jan 31 + 3 → Apr 30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_before(day: date, years: int) -> date:
    """Return the same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def latest_time(now: datetime | None = None) -> datetime:
    """Return the latest moment a user may enter (now, allowing for clock skew)."""
    return (now or timezone.now()) + CLOCK_SKEW


def is_future_date(value: date | None, today: date | None = None) -> bool:
    """Tell whether a date lies after today (local time)."""
    return value is not None and value > (today or timezone.localdate())


def is_future_time(value: datetime | None, now: datetime | None = None) -> bool:
    """Tell whether a moment lies after now (allowing for clock skew)."""
    return value is not None and value > latest_time(now)


def not_in_future(value: date | None) -> None:
    """Reject a date after today (local time)."""
    if is_future_date(value):
        raise ValidationError(FUTURE_DATE, code="future_date")


def not_in_future_dt(value: datetime | None) -> None:
    """Reject a moment later than now (allowing for clock skew)."""
    if is_future_time(value):
        raise ValidationError(FUTURE_TIME, code="future_time")


def stays_overlap(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Tell whether two stays share a night: each runs from its admission up to, not including,
    its discharge (as bed days count them, INDICATORS.md); no discharge = still running. A
    discharge and an admission on the same day (a transfer) do not overlap."""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


def check_not_before(start: date | None, message: str, code: str, **dates: date | None) -> None:
    """Raise a ValidationError naming each of `dates` (field=day) that lies before `start`."""
    errors = {
        name: message
        for name, day in dates.items()
        if day is not None and start is not None and day < start
    }
    if errors:
        raise ValidationError(errors, code=code)
