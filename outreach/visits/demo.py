"""Demo data of planned visits: a few visits this week for each tandem (through the service).

`seed_demo` imports this module so that `register` runs. It draws nothing from the demo's
random generator, so the rest of the demo stays as it was.
"""

from __future__ import annotations

from datetime import time, timedelta

from outreach.demo import DemoContext, register
from outreach.models import Tandem
from outreach.visits.services import visit_plan

PURPOSES = [
    "Bring the benefits form and fill it in together",
    "Walk to the GP for the blood test",
    "Check in after the hospital stay",
    "Look for him at the park by the station",
    "Help pack for the move to the new room",
]


@register
def seed_visits(ctx: DemoContext) -> None:
    """Four or five visits per tandem from today to the end of the week, some with a time."""
    tandems = Tandem.objects.filter(team__in=ctx.teams, ended_on__isnull=True).select_related(
        "professional", "peer"
    )
    for t_index, tandem in enumerate(tandems.order_by("pk")):
        clients = [c for c in ctx.clients if c.tandem_id == tandem.pk][:5]
        for n, client in enumerate(clients):
            members = [tandem.professional, tandem.peer] if n % 2 == 0 else [tandem.peer]
            visit_plan(
                client=client,
                actor=tandem.professional,
                planned_on=ctx.today + timedelta(days=n // 2),
                planned_time=time(9 + 2 * n, 30) if n != 3 else None,
                staff=members,
                purpose=PURPOSES[(n + t_index) % len(PURPOSES)],
                origin=ctx.origin,
                today=ctx.today,
            )
