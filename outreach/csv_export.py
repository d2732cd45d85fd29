"""The one way to write a CSV: text that a spreadsheet would run as a formula is escaped.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice (OWASP "CSV injection"): a team named `=HYPERLINK(...)` would become a link. Such
text cells get a leading single quote, which spreadsheets show as text. Numbers are left alone,
and so is text that is just a number (`-3`, `-0,50`, `-12.5 %`), so negative figures stay figures.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number as the app formats it: digits with group and decimal separators (incl. the
# no-break spaces of localised numbers) and an optional percent sign; nothing a formula needs.
_NUMBER = re.compile(r"[+-]\d[\d.,\s]*(?:\s?%)?")


def csv_cell(value: Any) -> Any:
    """Return the value to write into a CSV cell, escaping text that starts a formula."""
    if value is None or isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = str(value)  # lazy translations too
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Writer:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, **kwargs: Any) -> _Writer:
    """Return a `csv.writer` on `out` whose every cell passes through `csv_cell`."""
    return _Writer(csv.writer(out, **kwargs))
