"""Demo data for the case record's events: debriefs, agencies, conferences, group sessions.

`seed_demo` discovers `<app>.demo` modules only; import this module there (or from
`outreach/demo.py`'s end) so that `register` runs.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from outreach.demo import AGENCIES, DemoContext, _local_dt, register
from outreach.models import (
    AdverseEvent,
    CaseAgency,
    CaseConference,
    Client,
    CoerciveMeasure,
    Contact,
    Debrief,
    FollowUpAction,
    GroupSession,
    HospitalStay,
    LegalBasis,
    Responsibility,
    SupportPerson,
)

CHANGES = [
    "Call the sister before the police, as the crisis plan says.",
    "Offer medication by mouth first and wait longer.",
    "A peer worker visits on the ward within 24 hours.",
    "Explain the legal basis in plain words, in writing.",
]
GROUPS = ["Cooking together", "Walking group", "Hearing voices group", "Benefits help desk"]


@register
def seed_events(ctx: DemoContext) -> None:
    """Debriefs for the demo's measures, legal bases, agencies, conferences and group sessions."""
    rng, today = ctx.rng, ctx.today
    bases = {
        status: list(LegalBasis.objects.filter(country="BG", legal_status=status))
        for status in ("voluntary", "involuntary")
    }
    for stay in HospitalStay.objects.filter(client__in=ctx.clients, legal_basis__isnull=True):
        stay.legal_basis = (
            rng.choice(bases[stay.legal_status]) if bases[stay.legal_status] else None
        )
        stay.planned = stay.legal_status == "voluntary" and rng.random() < 0.5
        stay.decided_by = rng.choice(["team", "family", "hospital_psychiatrist", "court", "police"])
        if not stay.pre_intake:
            stay.contact_kept = rng.random() < 0.8
            stay.advance_statement_upheld = rng.choice(["yes", "partly", "no", "none"])
        stay.save()

    # Every measure has its debrief; the worker's own caseload gets one that is overdue.
    worker_client = next(
        (c for c in ctx.clients if c.tandem and c.tandem.professional_id == ctx.users["worker"].pk),
        None,
    )
    if worker_client is not None:
        CoerciveMeasure.objects.create(
            client=worker_client,
            started_at=_local_dt(today - timedelta(days=19), 16),
            kind="mechanical_restraint",
            location="admission ward",
            decided_by="hospital_psychiatrist",
            client_account="Nobody told me why. I was frightened.",
        )
    for measure in CoerciveMeasure.objects.filter(client__in=ctx.clients).select_related(
        "client__tandem"
    ):
        started = timezone.localtime(measure.started_at).date()
        Debrief.objects.get_or_create(
            measure=measure,
            defaults={
                "due_on": started + timedelta(days=Debrief.DUE_DAYS),
                "done_on": measure.debriefed_on,
                "done_by": measure.client.tandem.peer if measure.debriefed_on else None,
                "what_should_change": rng.choice(CHANGES) if measure.debriefed_on else "",
            },
        )

    for n, client in enumerate(ctx.clients):
        if n % 3 == 0:
            _agencies_and_conference(ctx, client, n)
        if n % 17 == 5:
            AdverseEvent.objects.create(
                client=client,
                kind=rng.choice(["self_harm", "police_involvement", "eviction", "arrest"]),
                occurred_on=today - timedelta(days=rng.randint(10, 200)),
                note="",
            )

    for team in ctx.teams:
        members = list(team.members.filter(role__in=["professional", "peer"])[:2])
        team_clients = [c for c in ctx.clients if c.team_id == team.pk]
        for k in range(6):
            day = today - timedelta(days=7 + 21 * k)
            session = GroupSession.objects.create(
                team=team,
                title=GROUPS[k % len(GROUPS)],
                started_at=_local_dt(day, 11),
                duration_minutes=90,
                location="other_service",
            )
            for client in rng.sample(team_clients, k=min(len(team_clients), rng.randint(3, 7))):
                contact = Contact.objects.create(
                    client=client,
                    author=members[0] if members else None,
                    started_at=session.started_at,
                    duration_minutes=90,
                    mode=Contact.Mode.FACE_TO_FACE,
                    location="other_service",
                    outcome=Contact.Outcome.MET,
                    group_session=session,
                )
                contact.staff.set(members)


def _agencies_and_conference(ctx: DemoContext, client: Client, n: int) -> None:
    rng, today = ctx.rng, ctx.today
    names = rng.sample(AGENCIES, k=2)
    agencies = [
        CaseAgency.objects.create(
            client=client,
            name=name,
            contact_person=rng.choice(["Ms Petrova", "Mr Georgiev", "Dr Ilieva"]),
            involved_since=today - timedelta(days=rng.randint(40, 300)),
        )
        for name in names
    ]
    Responsibility.objects.create(
        client=client,
        domain="housing",
        party="agency",
        agency=agencies[0],
        task="housing application",
    )
    Responsibility.objects.create(
        client=client, domain="documents", party="team", task="accompany to the registry office"
    )
    Responsibility.objects.create(
        client=client, domain="mental_health", party="client", task="collect the prescription"
    )
    if n % 2 == 0:
        return
    held = today - timedelta(days=rng.randint(5, 120))
    conference = CaseConference.objects.create(
        client=client,
        held_on=held,
        client_present=True,
        decisions="Apply for the disability benefit together; review housing in a month.",
        author=client.tandem.professional if client.tandem else None,
    )
    if client.tandem:
        conference.staff.set([client.tandem.professional, client.tandem.peer])
    conference.agencies.set(agencies)
    conference.support_people.set(
        client.support_people.exclude(involvement=SupportPerson.Involvement.DO_NOT_CONTACT)[:1]
    )
    FollowUpAction.objects.create(
        conference=conference,
        action="Fill in the benefit form",
        owner="the client, with the peer worker",
        due_on=held + timedelta(days=14),
    )
    FollowUpAction.objects.create(
        conference=conference,
        action="Ask the housing office for an appointment",
        owner=agencies[0].name,
        due_on=held + timedelta(days=30),
    )
