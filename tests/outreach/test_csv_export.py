"""One helper writes every CSV: text cells that start a formula are escaped, numbers are not."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from outreach.csv_export import csv_cell, csv_writer


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("Team Centre", "Team Centre"),
        ("<5", "<5"),
        ("n<5", "n<5"),
        ("—", "—"),
        ("", ""),
        # Numbers, and numbers as text (localised, with a percent sign), stay numbers.
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-0.25"), Decimal("-0.25")),
        ("-3", "-3"),
        ("-0.50", "-0.50"),
        ("-0,50", "-0,50"),
        ("-1 234,5", "-1 234,5"),
        ("-1\u00a0234,5", "-1\u00a0234,5"),
        ("-12.5 %", "-12.5 %"),
        ("+3", "+3"),
        (None, None),
        (date(2026, 8, 1), date(2026, 8, 1)),
    ],
)
def test_csv_cell(value, written):
    assert csv_cell(value) == written


def test_lazy_text_is_escaped_too():
    assert csv_cell(gettext_lazy("=1+1")) == "'=1+1"


def test_csv_writer_escapes_every_row():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=1+1", -4, "-4"])
    writer.writerows([["@x", "ok"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "-4", "-4"], ["'@x", "ok"]]
