"""Demo reports: the previous quarter published (so the public page has figures) and last month drafted."""

from __future__ import annotations

from datetime import date

from indicators import reports
from indicators.periods import Period
from outreach import demo
from outreach.demo import AGENCIES, DemoContext
from outreach.models import Agency, AgencyRequest, ExitSurvey

# The demo's agencies in Sofia's directory, with their kind (the report counts requests by it).
AGENCY_KINDS = {
    "Social Assistance Directorate Sredets": "social_assistance",
    "Municipal housing office": "housing",
    "GP Dr. Petrova": "health",
    "State Psychiatric Hospital Kurilo": "mental_health",
    "Civil registration office": "benefits_and_documents",
    "Labour office": "employment",
}
SURVEY_ANSWERS = ("yes", "yes", "yes", "partly", "no", "not_say", "")


@demo.register
def seed_directory_and_exit_survey(ctx: DemoContext) -> None:
    """Sofia's agency directory (requests to those agencies link to it) and exit surveys
    answered at discharge over the last two quarters (synthetic)."""
    for name in AGENCIES:
        agency, _created = Agency.objects.get_or_create(
            municipality=ctx.municipality, name=name, defaults={"kind": AGENCY_KINDS[name]}
        )
        AgencyRequest.objects.filter(
            client__team__municipality=ctx.municipality, agency=name, listed_agency=None
        ).update(listed_agency=agency)
    month = Period.quarter_of(ctx.today).previous().previous().first
    rng = ctx.rng
    while month < Period.month_of(ctx.today).first:
        for _i in range(rng.randint(1, 4)):
            ExitSurvey.objects.create(
                municipality=ctx.municipality,
                month=month,
                felt_respected=rng.choice(SURVEY_ANSWERS),
                coercion_experienced=rng.choice(("no", "no", "no", "yes", "partly", "")),
                advance_statement_upheld=rng.choice(("", "", "yes", "partly", "no")),
                peer_support_offered=rng.choice(SURVEY_ANSWERS),
                community_inclusion=rng.choice(SURVEY_ANSWERS),
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


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
