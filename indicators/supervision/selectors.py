"""The supervisor's caseload review: who needs attention, per tandem and per client.

Reads across outreach and careplans (only `indicators` may import both). Every read starts
from the user's visible clients, and the number of queries does not grow with the caseload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.assessments.selectors import assessments_due
from careplans.selectors import reviews_due
from outreach import selectors as core
from outreach.access import scoped, visible_teams
from outreach.caserecord.selectors import (
    agency_requests_open,
    debriefs_overdue,
    discharge_followups_due,
)
from outreach.models import Client, Crisis, HospitalStay, Tandem, Team, User

RECENT_DAYS = 30

# Flag kinds in the order they show: key → label.
FLAG_KINDS: dict[str, str] = {
    "not_seen_14": _("Not seen 14+ days"),
    "not_seen_30": _("Not seen 30+ days"),
    "review_overdue": _("Plan review overdue"),
    "assessment_overdue": _("Assessment overdue"),
    "assessment_due": _("Assessment due"),
    "debrief_overdue": _("Debrief overdue"),
    "request_open": _("Agency request open 30+ days"),
    "discharge_followup": _("Discharged, not seen since"),
    "crisis": _("Crisis in the last 30 days"),
    "admission": _("Admission in the last 30 days"),
}

SORTS: dict[str, str] = {
    "flags": _("Most flags first"),
    "last_seen": _("Longest not seen first"),
    "name": _("Name"),
    "tandem": _("Tandem"),
}


@dataclass
class ClientReview:
    client: Client
    seen: core.SeenFlag
    reviews: list = field(default_factory=list)  # careplans ReviewRow (overdue)
    assessments: list = field(default_factory=list)  # careplans DueAssessment
    debriefs: list = field(default_factory=list)  # CoerciveMeasure
    requests: list = field(default_factory=list)  # AgencyRequest
    crises: list = field(default_factory=list)  # Crisis
    admissions: list = field(default_factory=list)  # HospitalStay
    discharges: list = field(default_factory=list)  # DischargeFollowUp

    @property
    def kinds(self) -> set[str]:
        """The flag kinds that apply to this client."""
        kinds = set()
        if self.seen.needs_visit:
            kinds.add("not_seen_14")
        if self.seen.long_unseen:
            kinds.add("not_seen_30")
        if self.reviews:
            kinds.add("review_overdue")
        if any(a.overdue for a in self.assessments):
            kinds.add("assessment_overdue")
        if any(not a.overdue for a in self.assessments):
            kinds.add("assessment_due")
        if self.debriefs:
            kinds.add("debrief_overdue")
        if self.requests:
            kinds.add("request_open")
        if self.crises:
            kinds.add("crisis")
        if self.admissions:
            kinds.add("admission")
        if self.discharges:
            kinds.add("discharge_followup")
        return kinds

    @property
    def flag_count(self) -> int:
        # "30+" implies "14+": count the not-seen flag once.
        return len(self.kinds - {"not_seen_30"})


@dataclass
class TandemSummary:
    tandem: Tandem | None
    team: Team
    clients: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_KINDS, 0))

    @property
    def key(self) -> str:
        return str(self.tandem.pk) if self.tandem else "none"

    @property
    def count_list(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.counts[kind]) for kind, label in FLAG_KINDS.items()]


@dataclass
class CaseloadReview:
    today: date
    rows: list[ClientReview]
    tandems: list[TandemSummary]
    totals: dict[str, int]
    clients_in_care: int

    @property
    def total_list(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.totals[kind]) for kind, label in FLAG_KINDS.items()]


def _recent_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=RECENT_DAYS), time.min))


def caseload_review(
    *,
    user: User,
    today: date | None = None,
    team: Team | None = None,
    tandem: str = "",
    flag: str = "",
    sort: str = "flags",
) -> CaseloadReview:
    """Clients in care of the user's teams with their attention flags, and counts per tandem.

    `tandem` is a tandem pk or "none" (clients without one); `flag` keeps clients with that
    flag kind, "all" keeps every client in care, "" keeps those with any flag.
    """
    today = today or timezone.localdate()
    clients = list(core.caseload_list(user=user, team=team, sort="name"))
    if tandem:
        clients = [c for c in clients if str(c.tandem_id or "none") == tandem]
    by_id = {
        c.pk: ClientReview(
            client=c,
            seen=core.visit_flag(c, today),
        )
        for c in clients
    }
    # The reads below are limited by team (and the user's visibility), not by a list of ids,
    # so they stay cheap for large teams; rows of clients not in `by_id` are skipped.
    for row in reviews_due(user=user, today=today, team=team, statuses=("overdue",)):
        if row.client.pk in by_id:
            by_id[row.client.pk].reviews.append(row)
    in_team = Client.objects.filter(team=team) if team is not None else None
    for due in assessments_due(user=user, today=today, clients=in_team):
        if due.client.pk in by_id:
            by_id[due.client.pk].assessments.append(due)
    for measure in debriefs_overdue(user=user, team=team, today=today):
        if measure.client_id in by_id:
            by_id[measure.client_id].debriefs.append(measure)
    for req in agency_requests_open(user=user, team=team, today=today):
        if req.client_id in by_id:
            by_id[req.client_id].requests.append(req)
    crises = scoped(Crisis.objects.all(), user, via="client").filter(
        reported_at__gte=_recent_start(today)
    )
    stays = scoped(HospitalStay.objects.all(), user, via="client").filter(
        pre_intake=False, admitted_on__gte=today - timedelta(days=RECENT_DAYS)
    )
    if team is not None:
        crises, stays = crises.filter(client__team=team), stays.filter(client__team=team)
    for crisis in crises.order_by("-reported_at"):
        if crisis.client_id in by_id:
            by_id[crisis.client_id].crises.append(crisis)
    for stay in stays.order_by("-admitted_on"):
        if stay.client_id in by_id:
            by_id[stay.client_id].admissions.append(stay)
    for followup in discharge_followups_due(user=user, team=team, today=today):
        if followup.client.pk in by_id:
            by_id[followup.client.pk].discharges.append(followup)

    reviews = list(by_id.values())
    summaries: dict[tuple[int | None, int], TandemSummary] = {}
    totals = dict.fromkeys(FLAG_KINDS, 0)
    for review in reviews:
        summary = summaries.setdefault(
            (review.client.tandem_id, review.client.team_id),
            TandemSummary(tandem=review.client.tandem, team=review.client.team),
        )
        summary.clients += 1
        for kind in review.kinds:
            summary.counts[kind] += 1
            totals[kind] += 1
    tandems = sorted(
        summaries.values(),
        key=lambda s: (s.tandem is None, s.team.name, str(s.tandem or "")),
    )

    if flag == "all":
        listed = reviews
    elif flag in FLAG_KINDS:
        listed = [r for r in reviews if flag in r.kinds]
    else:
        listed = [r for r in reviews if r.kinds]
    listed.sort(key=_SORT_KEYS.get(sort, _SORT_KEYS["flags"]))
    return CaseloadReview(
        today=today,
        rows=listed,
        tandems=tandems,
        totals=totals,
        clients_in_care=len(reviews),
    )


def _name(r: ClientReview) -> tuple[str, str, int]:
    return (r.client.family_name.lower(), r.client.given_name.lower(), r.client.pk)


def _days_not_seen(r: ClientReview) -> int:
    return 10**6 if r.seen.days is None else r.seen.days


_SORT_KEYS = {
    "flags": lambda r: (-r.flag_count, -_days_not_seen(r), _name(r)),
    "last_seen": lambda r: (-_days_not_seen(r), _name(r)),
    "name": _name,
    "tandem": lambda r: (r.client.tandem is None, str(r.client.tandem or ""), _name(r)),
}


def review_teams(user: User) -> list[Team]:
    """Teams whose caseload the user reviews: a supervisor's own teams."""
    return list(visible_teams(user).order_by("name"))


def review_tandems(*, teams: list[Team]) -> list[Tandem]:
    """Current tandems of the given teams, for the filter."""
    return list(
        Tandem.objects.filter(team__in=teams, ended_on__isnull=True)
        .select_related("professional", "peer", "team")
        .order_by("team__name", "professional__last_name", "pk")
    )
