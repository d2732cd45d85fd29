"""Reporting periods (a quarter or a month) and scopes (a team, a municipality or everything)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# Years a period may name: outreach records start long after 1990, and nothing is planned
# past 2100; outside them a period is a typing error, not a question for the database.
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter (`2026-Q3`) or month (`2026-07`): the days `first`..`last`, inclusive."""

    year: int
    kind: str  # "quarter" or "month"
    number: int  # quarter 1-4 or month 1-12

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse `YYYY-Qn` or `YYYY-MM`; raise ValueError with a readable message otherwise."""
        text = (text or "").strip()
        m = _QUARTER.match(text.upper()) or _MONTH.match(text)
        if m and not MIN_YEAR <= int(m[1]) <= MAX_YEAR:
            raise ValueError(
                _("%(year)s is outside the years %(min)s–%(max)s.")
                % {"year": m[1], "min": MIN_YEAR, "max": MAX_YEAR}
            )
        if m := _QUARTER.match(text.upper()):
            return cls(int(m[1]), "quarter", int(m[2]))
        if m := _MONTH.match(text):
            return cls(int(m[1]), "month", int(m[2]))
        raise ValueError(
            _("“%(value)s” is not a period: use a quarter like 2026-Q3 or a month like 2026-07.")
            % {"value": text}
        )

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        """Return the quarter containing `day`."""
        return cls(day.year, "quarter", (day.month - 1) // 3 + 1)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """Return the month containing `day`."""
        return cls(day.year, "month", day.month)

    @property
    def first(self) -> date:
        month = self.number if self.kind == "month" else 3 * self.number - 2
        return date(self.year, month, 1)

    @property
    def last(self) -> date:
        months = 1 if self.kind == "month" else 3
        month0 = self.first.month - 1 + months  # 0-based month after the period
        year, month = self.year + month0 // 12, month0 % 12 + 1
        return date(year, month, 1) - timedelta(days=1)

    def as_of(self, today: date) -> date:
        """Return the last day the figures use: `last`, or `today` while the period runs.

        INDICATORS.md: a period that has not ended is computed to date. A period that has not
        started yet is refused with a ValueError.
        """
        if self.first > today:
            raise ValueError(_("%(period)s has not started yet.") % {"period": str(self)})
        return min(self.last, today)

    def is_running(self, today: date) -> bool:
        """Whether `today` falls inside the period (its figures are to date)."""
        return self.first <= today < self.last

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        day = self.first - timedelta(days=1)
        return Period.quarter_of(day) if self.kind == "quarter" else Period.month_of(day)

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}-{self.number:02d}"


@dataclass(frozen=True)
class Scope:
    """Whose records count: `team:SLUG`, `municipality:SLUG` or `all`."""

    kind: str  # "team", "municipality" or "all"
    slug: str = ""

    TEAM = "team"
    MUNICIPALITY = "municipality"
    ALL = "all"

    @classmethod
    def parse(cls, text: str) -> Scope:
        """Parse `team:SLUG`, `municipality:SLUG` or `all`; raise ValueError otherwise."""
        text = (text or "").strip()
        if text == cls.ALL:
            return cls(cls.ALL)
        kind, sep, slug = text.partition(":")
        if sep and kind in (cls.TEAM, cls.MUNICIPALITY) and slug:
            return cls(kind, slug)
        raise ValueError(
            _("“%(value)s” is not a scope: use team:SLUG, municipality:SLUG or all.")
            % {"value": text}
        )

    @classmethod
    def team(cls, slug: str) -> Scope:
        return cls(cls.TEAM, slug)

    @classmethod
    def municipality(cls, slug: str) -> Scope:
        return cls(cls.MUNICIPALITY, slug)

    @classmethod
    def everything(cls) -> Scope:
        return cls(cls.ALL)

    def __str__(self) -> str:
        return self.kind if self.kind == self.ALL else f"{self.kind}:{self.slug}"
