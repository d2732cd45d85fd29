"""The review clock of a client's risk assessment.

Reviewed at months 0, 3, 6 and 9 of the episode (then every third month, as the care plan),
and after every crisis or hospital admission. A review held up to `DUE_WINDOW_DAYS` before a
scheduled date counts for it; a review after a crisis or admission is due within
`EVENT_REVIEW_DAYS` of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outreach.dates import add_months

REVIEW_EVERY_MONTHS = 3
DUE_WINDOW_DAYS = 14
EVENT_REVIEW_DAYS = 7


@dataclass(frozen=True)
class NextRiskReview:
    due_on: date
    status: str  # "upcoming", "due" or "overdue"
    month: int | None = None  # a scheduled review
    event: str = ""  # "crisis" or "admission": a review after it
    event_on: date | None = None

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def label(self) -> str:
        if self.event == "crisis":
            return _("Risk review after the crisis of %(day)s") % {
                "day": date_format(self.event_on, "SHORT_DATE_FORMAT")
            }
        if self.event == "admission":
            return _("Risk review after the admission of %(day)s") % {
                "day": date_format(self.event_on, "SHORT_DATE_FORMAT")
            }
        if self.month == 0:
            return _("First risk assessment")
        return _("Month %(month)d risk review") % {"month": self.month}


def _status(due_on: date, opens_on: date, today: date) -> str:
    if today > due_on:
        return "overdue"
    if today >= opens_on:
        return "due"
    return "upcoming"


def next_risk_review(
    *,
    started_on: date,
    reviewed_on: Iterable[date],
    crises_on: Iterable[date] = (),
    admitted_on: Iterable[date] = (),
    today: date,
) -> NextRiskReview:
    """The earliest risk review of the episode not held yet: scheduled, or after an event."""
    reviews = sorted(reviewed_on)
    last = reviews[-1] if reviews else None
    month = 0
    if last is not None:
        while add_months(started_on, month) - timedelta(days=DUE_WINDOW_DAYS) <= last:
            month += REVIEW_EVERY_MONTHS
    due_on = add_months(started_on, month)
    best = NextRiskReview(
        due_on=due_on,
        status=_status(due_on, due_on - timedelta(days=DUE_WINDOW_DAYS), today),
        month=month,
    )
    events = [(d, "crisis") for d in crises_on] + [(d, "admission") for d in admitted_on]
    for day, kind in sorted(events):
        if day < started_on or (last is not None and last >= day):
            continue
        due = day + timedelta(days=EVENT_REVIEW_DAYS)
        if due < best.due_on:
            best = NextRiskReview(
                due_on=due, status=_status(due, day, today), event=kind, event_on=day
            )
        break
    return best
