"""How an indicator value is shown: rounding (INDICATORS.md) and small-number suppression.

Every output uses `show()`: the PDF, the CSV, the public page and team figures seen from outside
the team (coordinators) with `suppress=True` (what leaves the team); the team's supervisors'
figures with `suppress=False` (exact values, same rounding).

`show(suppress=True)` is the primary rule of one figure alone. What leaves the team as a whole
(a report's page, PDF and CSV, the public page, a team's figures seen by a coordinator) is
decided by suppression.py, which adds complementary suppression over all the figures at once
and renders the cells it leaves shown with `show(suppress=False)`.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format

COUNT = "count"
SHARE = "share"
DAYS = "days"
HOURS = "hours"
RATE = "rate"
MEAN = "mean"

# Statistics over items (a median, percentile, share or mean) carry their n under `<key>_n`.
STATISTICS = {SHARE, DAYS, HOURS, MEAN}

SMALL_COUNT = "<5"
SMALL_N = "n<5"
EMPTY = "—"
THRESHOLD = 5


def is_small(count: int) -> bool:
    """Whether a count is one that suppression hides (1 to 4)."""
    return 0 < count < THRESHOLD


def _number(value: float, decimals: int, localize: bool) -> str:
    if localize:
        return number_format(round(value, decimals), decimal_pos=decimals)
    return f"{value:.{decimals}f}"


def show(
    value: Any, kind: str, *, n: int | None = None, suppress: bool, localize: bool = True
) -> str:
    """Return the text of one figure.

    With `suppress`: a count from 1 to 4 shows `<5`; a statistic whose n is below 5 shows `n<5`;
    zero is 0. Rounding: shares to 1 decimal of a percent, days and hours to 1 decimal, rates and
    means to 2 decimals. `None` (a statistic over no items) shows an em dash.
    """
    if kind == COUNT:
        if value is None:
            return EMPTY
        value = int(value)
        if suppress and is_small(value):
            return SMALL_COUNT
        return _number(value, 0, localize) if localize else str(value)
    if suppress and kind in STATISTICS and n is not None and n < THRESHOLD:
        return SMALL_N if n > 0 else EMPTY
    if value is None:
        return EMPTY
    if kind == SHARE:
        return f"{_number(100 * float(value), 1, localize)} %"
    if kind in (DAYS, HOURS):
        return _number(float(value), 1, localize)
    return _number(float(value), 2, localize)


def is_suppressed(text: str) -> bool:
    return text in (SMALL_COUNT, SMALL_N)
