"""Fidelity figures of a team from its snapshot, in the manner of ACT fidelity scales."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.models import Tandem, Team

from . import formatting as fmt
from .models import FidelityTarget, IndicatorSnapshot


@dataclass(frozen=True)
class Fidelity:
    key: str
    label: Any
    value: float | None
    text: str
    target: Decimal
    target_text: str
    at_most: bool
    met: bool | None  # None: no figure to judge

    @property
    def band(self) -> Any:
        if self.met is None:
            return _("no figure")
        return _("met") if self.met else _("not met")


def target_for(team: Team) -> FidelityTarget:
    """Return the team's targets (the defaults, unsaved, when it has none)."""
    found = FidelityTarget.objects.filter(team=team).first()
    return found or FidelityTarget(team=team)


def active_workers(team: Team, snapshot: IndicatorSnapshot) -> int:
    """Distinct workers of the team's tandems active on the period's last day."""
    day = snapshot.period_last
    tandems = Tandem.objects.filter(team=team, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    ids = set()
    for professional, peer in tandems.values_list("professional_id", "peer_id"):
        ids.update((professional, peer))
    return len(ids)


def fidelity(
    team: Team,
    snapshot: IndicatorSnapshot,
    target: FidelityTarget,
    *,
    suppress: bool = False,
    workers: int | None = None,
) -> list[Fidelity]:
    """Return each fidelity figure with its target and whether it is met.

    Exact for the team; with `suppress` (seen from outside the team) a figure over fewer than
    5 items shows `n<5` and is not judged against its target.
    """
    v = snapshot.values
    if workers is None:
        workers = active_workers(team, snapshot)
    per_worker = v.get("caseload_end", 0) / workers if workers else None
    rows = [
        (
            "clients_per_worker",
            _("Clients per worker"),
            per_worker,
            None,
            fmt.RATE,
            target.max_clients_per_worker,
            True,
        ),
        (
            "contacts_per_client_week",
            _("Contacts per client per week"),
            v.get("contacts_per_client_week"),
            None,
            fmt.RATE,
            target.min_contacts_per_client_week,
            False,
        ),
        (
            "contact_minutes_per_client_week",
            _("Contact minutes per client per week"),
            v.get("contact_minutes_per_client_week"),
            None,
            fmt.RATE,
            target.min_minutes_per_client_week,
            False,
        ),
        (
            "community_contact_share",
            _("Contacts in the community"),
            v.get("community_contact_share"),
            v.get("community_contact_share_n"),
            fmt.SHARE,
            target.min_community_share,
            False,
        ),
        (
            "team_approach_share",
            _("Clients seen by two or more staff in two weeks"),
            v.get("team_approach_share"),
            v.get("team_approach_share_n"),
            fmt.SHARE,
            target.min_team_approach_share,
            False,
        ),
        (
            "crisis_response_hours_median",
            _("Hours to first crisis response (median)"),
            v.get("crisis_response_hours_median"),
            v.get("crisis_response_hours_median_n"),
            fmt.HOURS,
            target.max_crisis_response_hours,
            True,
        ),
    ]
    out = []
    for key, label, value, n, kind, goal, at_most in rows:
        text = fmt.show(value, kind, n=n, suppress=suppress)
        met = None
        if value is not None and not fmt.is_suppressed(text):
            met = value <= float(goal) if at_most else value >= float(goal)
        out.append(
            Fidelity(
                key=key,
                label=label,
                value=value,
                text=text,
                target=goal,
                target_text=("≤ " if at_most else "≥ ")
                + fmt.show(float(goal), kind, suppress=False),
                at_most=at_most,
                met=met,
            )
        )
    return out
