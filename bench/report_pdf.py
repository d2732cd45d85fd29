"""Time the monthly municipal report PDF (DESIGN §5: under 3 s).

Usage (against a database with data, e.g. after `seed_demo`):
    DEBUG=true python bench/report_pdf.py [MUNICIPALITY_SLUG] [--period 2026-10] [--runs 5]

Drafts (or refreshes) the report of the period — the last complete month by default — then
renders its PDF in each language `--runs` times (WeasyPrint, the report task's own code path)
and prints the median, the slowest and the page count. Snapshot computation is not timed here
(it is a separate step: the report reads snapshots).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")


def main() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from indicators import pdf, reports
    from indicators.periods import Period
    from outreach.models import Municipality
    from outreach.origin import Origin

    parser = argparse.ArgumentParser()
    parser.add_argument("municipality", nargs="?")
    parser.add_argument("--period")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    qs = Municipality.objects.order_by("slug")
    municipality = qs.get(slug=args.municipality) if args.municipality else qs.first()
    period = (
        Period.parse(args.period)
        if args.period
        else Period.month_of(timezone.localdate()).previous()
    )
    report = reports.report_draft(
        municipality=municipality, period=period, origin=Origin.system("bench_report_pdf")
    )
    report = reports.with_snapshots(type(report).objects.filter(pk=report.pk)).get()
    for language in ("en", "bg"):
        times, size = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            data = pdf.report_pdf(report, language)
            times.append(time.perf_counter() - started)
            size = len(data)
        print(
            f"{municipality.slug} {period} {language}: median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s over {args.runs} runs; {size / 1024:.0f} KiB, "
            f"{report.snapshots.count()} snapshots"
        )


if __name__ == "__main__":
    main()
