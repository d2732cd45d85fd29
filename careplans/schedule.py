"""The review clock of an episode: months 0, 3, 6 and 9, then every third month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from outreach.dates import add_months

REVIEW_EVERY_MONTHS = 3
# A review shows as due this many days before its date; after the date it is overdue.
DUE_WINDOW_DAYS = 14


@dataclass(frozen=True)
class NextReview:
    month: int
    due_on: date
    status: str  # "upcoming", "due" or "overdue"

    @property
    def is_first_plan(self) -> bool:
        return self.month == 0

    @property
    def label(self) -> str:
        return str(_("First plan")) if self.month == 0 else str(_("Month %d review") % self.month)

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def due(self) -> bool:
        return self.status == "due"


def review_status(due_on: date, today: date) -> str:
    """Classify a review date as upcoming, due (window open) or overdue (date passed)."""
    if today > due_on:
        return "overdue"
    if today >= due_on - timedelta(days=DUE_WINDOW_DAYS):
        return "due"
    return "upcoming"


def next_review(
    *, started_on: date, first_agreed: bool, reviewed_months: Iterable[int], today: date
) -> NextReview:
    """The earliest review of the episode not done yet (month 0 is done by the first agreement)."""
    done = set(reviewed_months)
    month = 0
    if first_agreed:
        month = REVIEW_EVERY_MONTHS
        while month in done:
            month += REVIEW_EVERY_MONTHS
    due_on = add_months(started_on, month)
    return NextReview(month=month, due_on=due_on, status=review_status(due_on, today))


def review_dates(started_on: date, until: date) -> list[tuple[int, date]]:
    """All review months and dates of an episode up to `until` (inclusive)."""
    out = []
    month = 0
    while (due := add_months(started_on, month)) <= until:
        out.append((month, due))
        month += REVIEW_EVERY_MONTHS
    return out
