"""Demo data of risk assessments: the reviews a team that keeps its clock would have written.

Each client in care gets a first assessment soon after the episode started, a review at each
scheduled month (0, 3, 6, 9…) that has come and one a few days after each crisis or hospital
admission, through the service, as the tandem's professional.
So that the demo shows what a supervisor looks for, every sixth client has missed the latest
review and every fifteenth has no assessment yet. Nothing is drawn from the demo's random
generator, so the rest of the demo stays as it was.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from outreach.dates import add_months
from outreach.demo import DemoContext, register
from outreach.models import Crisis, Episode, HospitalStay, RiskAssessment
from outreach.safeguarding.schedule import REVIEW_EVERY_MONTHS
from outreach.safeguarding.services import risk_assessment_record

SUMMARIES = [
    "Calmer since housed; agreed daily texts while the benefits claim is open.",
    "Low mood in winter months; the sister is the first call, the crisis line second.",
    "Money taken by a neighbour twice; we meet in the café, not at the flat.",
    "Stops eating when the voices are loud; we bring food and check the fridge.",
]
DOMAINS = [
    {
        "self_neglect": {
            "known": "Skips meals when unwell.",
            "client_view": "I forget to eat when my head is busy.",
            "what_helps": "Eating together at the visit.",
            "plan": "Bring a meal at each visit this month.",
        }
    },
    {
        "harm_to_self": {
            "known": "One overdose two years ago after an eviction.",
            "client_view": "It was the worst week of my life; it is not like that now.",
            "what_helps": "Being asked straight; the sister.",
            "plan": "Ask at every visit; crisis card in the wallet.",
        }
    },
    {
        "harm_from_others": {
            "known": "Pension taken by an acquaintance in the spring.",
            "client_view": "I did not want to say no to him.",
            "what_helps": "Meeting somewhere else; the bank card kept by the client only.",
            "plan": "Go to the bank together; talk about a new card.",
        }
    },
    {
        "physical_health": {
            "known": "Diabetes, insulin not always taken.",
            "client_view": "The needles scare me on the street.",
            "what_helps": "A place to keep the insulin cold.",
            "plan": "GP visit this month; ask the shelter about a fridge.",
        }
    },
]


@register
def seed_risk_assessments(ctx: DemoContext) -> None:
    episodes = (
        Episode.objects.filter(client__in=ctx.clients, ended_on__isnull=True)
        .select_related("client__tandem__professional", "client__team")
        .order_by("client_id")
    )
    for n, episode in enumerate(episodes):
        client = episode.client
        if client.tandem is None or n % 15 == 7:
            continue  # no assessment yet: the first one shows as due or overdue
        dates = []
        month = 0
        while (day := add_months(episode.started_on, month)) <= ctx.today:
            dates.append(min(day + timedelta(days=n % 5), ctx.today))
            month += REVIEW_EVERY_MONTHS
        if n % 6 == 1 and len(dates) > 1:
            dates.pop()  # the latest review was missed
        reviews = [(day, "scheduled", {}) for day in dates]
        for crisis in Crisis.objects.filter(client=client):
            day = timezone.localtime(crisis.reported_at).date()
            if episode.started_on <= day <= ctx.today:
                after = min(day + timedelta(days=2), ctx.today)
                reviews.append((after, "after_crisis", {"crisis": crisis}))
        for stay in HospitalStay.objects.filter(client=client, pre_intake=False):
            if episode.started_on <= stay.admitted_on <= ctx.today:
                after = min(stay.admitted_on + timedelta(days=3), ctx.today)
                reviews.append((after, "after_admission", {"hospital_stay": stay}))
        reviews.sort(key=lambda r: r[0])
        for version, (assessed_on, reason, link) in enumerate(reviews):
            risk_assessment_record(
                client=client,
                actor=client.tandem.professional,
                assessment=RiskAssessment(
                    assessed_on=assessed_on,
                    reason=reason,
                    summary=SUMMARIES[(n + version) % len(SUMMARIES)],
                    written_with_client=True,
                    **link,
                ),
                domains=DOMAINS[(n + version) % len(DOMAINS)],
                origin=ctx.origin,
            )
