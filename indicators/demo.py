"""Demo reports: the previous quarter published (so the public page has figures) and last month drafted."""

from __future__ import annotations

from indicators import reports
from indicators.periods import Period
from outreach import demo
from outreach.demo import DemoContext


@demo.register
def seed_reports(ctx: DemoContext) -> None:
    """Publish the last complete quarter's report and draft last month's, as a coordinator would."""
    coordinator = ctx.users["coordinator"]
    quarter = Period.quarter_of(ctx.today).previous()
    published = reports.report_draft(
        municipality=ctx.municipality, period=quarter, actor=coordinator, origin=ctx.origin
    )
    reports.report_update(
        report=published,
        actor=coordinator,
        went_well="Most clients were seen every week; three people got identity documents.",
        problems_with_services="The housing office answered requests slowly (weeks, not days).",
        requests_to_municipality="Two more places in supported housing for people leaving hospital.",
        origin=ctx.origin,
    )
    reports.report_publish(report=published, actor=coordinator, origin=ctx.origin)
    month = Period.month_of(ctx.today).previous()
    reports.report_draft(
        municipality=ctx.municipality, period=month, actor=coordinator, origin=ctx.origin
    )
