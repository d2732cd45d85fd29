"""The indicator engine: every key of INDICATORS.md for one period and scope, computed in SQL.

Public API (used by services, tasks, the command and, later, reports and dashboards):

- ``compute(period, scope) -> dict``: the ``indicators`` object, JSON-ready, with every key of
  INDICATORS.md (plus ``_n``, ``_by_sex`` and ``_by_age`` keys). Raises ``ScopeNotFound`` when the
  scope names a team or municipality that does not exist.
- ``resolve_scope(scope) -> ResolvedScope``: the team or municipality a scope names.
- ``DEFINITIONS_VERSION``: bump it whenever a definition in INDICATORS.md changes.
- ``INDICATOR_KEYS``: the top-level keys ``compute`` returns, in a stable order.

Counting and summing happen in the database (aggregates through the ORM; two tiny vendor-specific
date expressions where the ORM has none). Only medians and the p90 pull one column of numbers for
the period's items. Local dates are taken in ``settings.TIME_ZONE``: a datetime's date is "in P"
when the instant falls between local midnight of ``P.first`` and local midnight after ``P.last``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from careplans.models import Assessment, Instrument, PlanAgreement
from outreach.ages import AGE_BANDS, age_band
from outreach.models import (
    SEEN_CONTACT,
    AdvanceStatementUpheld,
    AdverseEvent,
    AgencyKind,
    AgencyRequest,
    Client,
    CoerciveMeasure,
    Contact,
    Crisis,
    Episode,
    HospitalStay,
    LegalStatus,
    Milestone,
    Municipality,
    Relapse,
    Team,
)
from referrals.models import Referral, Status

from .periods import Period, Scope

DEFINITIONS_VERSION = "2"  # 2: continuity of care and safety

SEXES = ("female", "male", "other", "unknown")
DISAGGREGATED = (
    "clients_served",
    "clients_with_involuntary_admission",
    "clients_with_coercive_measure",
)

INDICATOR_KEYS = (
    # caseload
    "caseload_start",
    "caseload_end",
    "episodes_started",
    "episodes_ended",
    "episodes_ended_by_reason",
    "clients_served",
    "client_days",
    # referrals and response
    "referrals_received",
    "referrals_by_source",
    "referrals_accepted",
    "referrals_declined",
    "referral_decision_days_median",
    "first_contact_days_median",
    "first_contact_days_p90",
    # contacts and engagement
    "contacts_seen",
    "contacts_not_met",
    "contacts_per_client_week",
    "contact_minutes_per_client_week",
    "community_contact_share",
    "informal_support_contacts",
    "clients_not_seen_30d",
    "team_approach_share",
    # crises, relapses and hospital
    "relapses",
    "clients_with_relapse",
    "admissions",
    "admissions_involuntary",
    "admissions_voluntary",
    "involuntary_admission_share",
    "bed_days",
    "crises",
    "crises_without_response",
    "crisis_response_hours_median",
    # care plans and outcomes
    "care_plan_coverage",
    "qol_change_mean",
    # rights, coordination and recovery
    "clients_with_involuntary_admission",
    "coercive_measures",
    "coercive_measures_by_kind",
    "clients_with_coercive_measure",
    "coercion_debrief_share",
    "involuntary_admissions_per_client_year_before",
    "involuntary_admissions_per_client_year_during",
    "agency_requests_sent",
    "agency_response_days_median",
    "agency_requests_open_30d",
    "milestones_by_kind",
    # continuity of care and safety
    "hospital_discharges",
    "post_discharge_followup_72h_share",
    "post_discharge_followup_7d_share",
    "post_discharge_first_contact_days_median",
    "advance_statement_upheld_share",
    "bed_days_per_client_year_before",
    "bed_days_per_client_year_during",
    "adverse_events_by_kind",
    "agency_requests_by_kind",
    "agency_response_days_median_by_kind",
    "waiting_list_when_computed",
    "waiting_days_median_when_computed",
)

# Keys that are a median, percentile, share or mean: each also stores its n under `<key>_n`.
N_KEYS = (
    "referral_decision_days_median",
    "first_contact_days_median",
    "first_contact_days_p90",
    "community_contact_share",
    "team_approach_share",
    "involuntary_admission_share",
    "crisis_response_hours_median",
    "care_plan_coverage",
    "qol_change_mean",
    "coercion_debrief_share",
    "agency_response_days_median",
    "post_discharge_followup_72h_share",
    "post_discharge_followup_7d_share",
    "post_discharge_first_contact_days_median",
    "advance_statement_upheld_share",
    "agency_response_days_median_by_kind",
    "waiting_days_median_when_computed",
)

ADVERSE_EVENT_KINDS = tuple(AdverseEvent.Kind.values)
AGENCY_KINDS = tuple(AgencyKind.values)


class ScopeNotFound(LookupError):
    """The scope names a team or municipality that does not exist."""


@dataclass(frozen=True)
class ResolvedScope:
    scope: Scope
    team: Team | None = None
    municipality: Municipality | None = None

    def clients(self, prefix: str = "client__") -> Q:
        """Return a filter keeping rows whose client (reached through `prefix`) is in scope."""
        if self.team is not None:
            return Q(**{f"{prefix}team_id": self.team.pk})
        if self.municipality is not None:
            return Q(**{f"{prefix}team__municipality_id": self.municipality.pk})
        return Q()

    def referrals(self) -> Q:
        """Referrals belong to their client's team, or to `referral.team` when there is no client."""
        if self.team is not None:
            return Q(client__team_id=self.team.pk) | Q(client__isnull=True, team_id=self.team.pk)
        if self.municipality is not None:
            m = self.municipality.pk
            return (
                Q(client__team__municipality_id=m)
                | Q(client__isnull=True, team__municipality_id=m)
                | Q(client__isnull=True, team__isnull=True, municipality_id=m)
            )
        return Q()


def resolve_scope(scope: Scope) -> ResolvedScope:
    """Look up the team or municipality of `scope`; raise ScopeNotFound if it does not exist."""
    if scope.kind == Scope.TEAM:
        team = Team.objects.filter(slug=scope.slug).select_related("municipality").first()
        if team is None:
            raise ScopeNotFound(f"There is no team with the slug “{scope.slug}”.")
        return ResolvedScope(scope, team=team)
    if scope.kind == Scope.MUNICIPALITY:
        municipality = Municipality.objects.filter(slug=scope.slug).first()
        if municipality is None:
            raise ScopeNotFound(f"There is no municipality with the slug “{scope.slug}”.")
        return ResolvedScope(scope, municipality=municipality)
    return ResolvedScope(scope)


# --- Date expressions the ORM lacks (same result on SQLite and PostgreSQL) -----------------------


class AddDays(Func):
    """`expression + days` for a date expression; a date."""

    output_field = DateField()

    def __init__(self, expression: Any, days: int) -> None:
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date + integer
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + {self.days:d})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params


class DaysBetween(Func):
    """`later - earlier` in whole days for two date expressions; an integer."""

    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date - date
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        return f"(({a}) - ({b}))", [*pa, *pb]

    def as_sqlite(self, compiler, connection, **extra_context):
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        return f"CAST(round(julianday({a}) - julianday({b})) AS INTEGER)", [*pa, *pb]


class OnOrAfterLocalDayOf(Func):
    """True when datetime `moment` falls on or after the local date of datetime `other`.

    On PostgreSQL this is `moment >= local midnight of other's local date`, a range an index on
    `moment` can serve; on SQLite the two local dates are compared (same result: local midnight
    always exists in TIME_ZONE, and a datetime is on or after a local date exactly when it is on or
    after that date's midnight).
    """

    output_field = BooleanField()

    def __init__(self, moment: Any, other: Any, tz: ZoneInfo) -> None:
        def day(expression: Any) -> TruncDate:
            # The wrapper gives an OuterRef the output field TruncDate checks for.
            return TruncDate(ExpressionWrapper(expression, DateTimeField()), tzinfo=tz)

        super().__init__(moment, other, day(moment), day(other))
        self.tzname = str(tz)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions[:2])
        return (
            f"(({a}) >= ((({b}) AT TIME ZONE %s)::date::timestamp AT TIME ZONE %s))",
            [*pa, *pb, self.tzname, self.tzname],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions[2:])
        return f"(({a}) >= ({b}))", [*pa, *pb]


class OnOrAfterLocalDate(Func):
    """True when datetime `moment` falls on or after the date expression `day` (local dates).

    On PostgreSQL `moment >= local midnight of day`, a range an index on `moment` can serve; on
    SQLite the local date of `moment` is compared with `day` (the same result).
    """

    output_field = BooleanField()

    def __init__(self, moment: Any, day: Any, tz: ZoneInfo) -> None:
        local = TruncDate(ExpressionWrapper(moment, DateTimeField()), tzinfo=tz)
        super().__init__(moment, ExpressionWrapper(day, DateField()), local)
        self.tzname = str(tz)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions[:2])
        return f"(({a}) >= ((({b})::timestamp) AT TIME ZONE %s))", [*pa, *pb, self.tzname]

    def as_sqlite(self, compiler, connection, **extra_context):
        (b, pb), (a, pa) = (compiler.compile(e) for e in self.source_expressions[1:])
        return f"(({a}) >= ({b}))", [*pa, *pb]


# --- Small statistics over one pulled column ---------------------------------------------------


def median(values: Iterable[float]) -> float | None:
    """The usual median (mean of the two middle values when n is even); None when empty."""
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        return None
    mid = n // 2
    return float(xs[mid]) if n % 2 else (xs[mid - 1] + xs[mid]) / 2


def p90(values: Iterable[float]) -> float | None:
    """Nearest-rank 90th percentile: the value at position ceil(0.9·n), 1-based; None when empty."""
    xs = sorted(values)
    if not xs:
        return None
    return xs[math.ceil(9 * len(xs) / 10) - 1]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- The computation ---------------------------------------------------------------------------


class _Context:
    def __init__(
        self, period: Period, target: ResolvedScope, as_of: date, today: date | None = None
    ) -> None:
        self.period = period
        self.target = target
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.first = period.first
        # A running period is computed to date: every rule reads `P.last` as `as_of`.
        self.last = as_of
        # The day of computation: the figures "when computed" and the follow-up windows that
        # have not ended yet are judged on it.
        self.today = today or timezone.localdate()
        # A municipality's teams, looked up once: filtering rows on their client's team id saves
        # joining every row to the client's team (-25 % at L, where one municipality has all).
        self.municipality_teams: list[int] | None = None
        if target.municipality is not None:
            self.municipality_teams = list(
                Team.objects.filter(municipality_id=target.municipality.pk).values_list(
                    "pk", flat=True
                )
            )

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def dated(self, field: str, first: date, last: date) -> Q:
        """Rows whose datetime `field` has a local date from `first` to `last`."""
        return Q(
            **{
                f"{field}__gte": self.midnight(first),
                f"{field}__lt": self.midnight(last + timedelta(days=1)),
            }
        )

    def in_period(self, field: str) -> Q:
        return self.dated(field, self.first, self.last)

    def local_date(self, field: str) -> TruncDate:
        return TruncDate(field, tzinfo=self.tz)

    def cq(self, prefix: str = "client__") -> Q:
        if prefix == "client__" and self.municipality_teams is not None:
            return Q(client__team_id__in=self.municipality_teams)
        return self.target.clients(prefix)

    @staticmethod
    def active_on(day: date) -> Q:
        return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))

    def overlapping(self) -> Q:
        return Q(started_on__lte=self.last) & (
            Q(ended_on__isnull=True) | Q(ended_on__gte=self.first)
        )

    def episodes(self) -> QuerySet[Episode]:
        return Episode.objects.filter(self.cq()).order_by()


def _count_by(qs: QuerySet, field: str) -> dict[str, int]:
    rows = qs.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return {str(key): n for key, n in sorted(rows, key=lambda r: str(r[0]))}


def _disaggregate(key: str, clients: QuerySet[Client], last: date) -> dict[str, Any]:
    """Return `key`, `key_by_sex` and `key_by_age` for a queryset of distinct clients."""
    band = age_band(last)
    by_sex = dict.fromkeys(SEXES, 0)
    by_age = dict.fromkeys(AGE_BANDS, 0)
    # One grouped query gives both breakdowns (at most 4 × 7 rows).
    for sex, age, n in (
        clients.order_by().annotate(band=band).values_list("sex", "band").annotate(n=Count("pk"))
    ):
        by_sex[sex if sex in by_sex else "unknown"] += n
        by_age[age] += n
    return {key: sum(by_sex.values()), f"{key}_by_sex": by_sex, f"{key}_by_age": by_age}


def _caseload(c: _Context) -> dict[str, Any]:
    eps = c.episodes()
    counts = eps.aggregate(
        caseload_start=Count("pk", filter=c.active_on(c.first)),
        caseload_end=Count("pk", filter=c.active_on(c.last)),
        episodes_started=Count("pk", filter=Q(started_on__range=(c.first, c.last))),
        episodes_ended=Count("pk", filter=Q(ended_on__range=(c.first, c.last))),
        client_days=Sum(
            DaysBetween(
                Least(Coalesce("ended_on", Value(c.last)), Value(c.last)),
                Greatest("started_on", Value(c.first)),
            )
            + 1,
            filter=c.overlapping(),
        ),
    )
    overlapping = eps.filter(c.overlapping())
    client_days = counts.pop("client_days")
    out = {
        **counts,
        "episodes_ended_by_reason": _count_by(
            eps.filter(ended_on__range=(c.first, c.last)), "discharge_reason"
        ),
        "client_days": client_days or 0,
    }
    served = Client.objects.filter(pk__in=overlapping.values("client_id"))
    out.update(_disaggregate("clients_served", served, c.last))
    return out


def _referrals(c: _Context) -> dict[str, Any]:
    refs = Referral.objects.filter(c.target.referrals()).order_by()
    received_in_period = c.in_period("received_at")
    decided_in_period = c.in_period("decided_at")
    counts = refs.filter(received_in_period | decided_in_period).aggregate(
        referrals_received=Count("pk", filter=received_in_period),
        referrals_accepted=Count("pk", filter=decided_in_period & Q(status=Status.ACCEPTED)),
        referrals_declined=Count("pk", filter=decided_in_period & Q(status=Status.DECLINED)),
    )
    out: dict[str, Any] = {
        "referrals_received": counts["referrals_received"],
        "referrals_by_source": _count_by(refs.filter(received_in_period), "source"),
        "referrals_accepted": counts["referrals_accepted"],
        "referrals_declined": counts["referrals_declined"],
    }
    decision_days = list(
        refs.filter(decided_in_period, status__in=(Status.ACCEPTED, Status.DECLINED))
        .annotate(days=DaysBetween(c.local_date("decided_at"), c.local_date("received_at")))
        .values_list("days", flat=True)
    )
    out["referral_decision_days_median"] = median(decision_days)
    out["referral_decision_days_median_n"] = len(decision_days)

    # The first seen contact on or after the local date of receipt falls in P exactly when there
    # is such a contact in P and none before P; the date itself is then looked up once, only for
    # the referrals that count (each test is an index range on the client's seen contacts).
    seen_since_receipt = Contact.objects.filter(
        SEEN_CONTACT,
        OnOrAfterLocalDayOf(F("started_at"), OuterRef("received_at"), c.tz),
        client_id=OuterRef("client_id"),
    ).order_by()
    first_seen = (
        seen_since_receipt.order_by("started_at")
        .annotate(on=c.local_date("started_at"))
        .values("on")[:1]
    )
    first_days = list(
        refs.filter(client__isnull=False, received_at__lt=c.midnight(c.last + timedelta(days=1)))
        .filter(
            Exists(seen_since_receipt.filter(c.in_period("started_at"))),
            ~Exists(seen_since_receipt.filter(started_at__lt=c.midnight(c.first))),
        )
        .annotate(
            days=DaysBetween(
                Subquery(first_seen, output_field=DateField()), c.local_date("received_at")
            )
        )
        .values_list("days", flat=True)
    )
    out["first_contact_days_median"] = median(first_days)
    out["first_contact_days_median_n"] = len(first_days)
    out["first_contact_days_p90"] = p90(first_days)
    out["first_contact_days_p90_n"] = len(first_days)
    return out


def _contacts(c: _Context, client_days: int) -> dict[str, Any]:
    contacts = Contact.objects.filter(c.cq()).order_by()
    agg = contacts.filter(c.in_period("started_at")).aggregate(
        seen=Count("pk", filter=SEEN_CONTACT),
        seen_minutes=Sum("duration_minutes", filter=SEEN_CONTACT),
        community=Count("pk", filter=SEEN_CONTACT & ~Q(location=Contact.Location.TEAM_OFFICE)),
        not_met=Count("pk", filter=Q(outcome=Contact.Outcome.NOT_MET)),
        informal=Count("pk", filter=Q(informal_support_present=True)),
    )
    weeks = client_days / 7
    seen_30d = Contact.objects.filter(
        SEEN_CONTACT,
        c.dated("started_at", c.last - timedelta(days=29), c.last),
        client_id=OuterRef("client_id"),
    )
    not_seen = (
        c.episodes()
        .filter(c.active_on(c.last), started_on__lte=c.last - timedelta(days=30))
        .filter(~Exists(seen_30d))
        .count()
    )
    # Per client seen in the last 14 days: how many distinct staff saw them; then, in the same
    # query, how many such clients there are and how many were seen by two or more.
    team = (
        contacts.filter(SEEN_CONTACT, c.dated("started_at", c.last - timedelta(days=13), c.last))
        .values("client_id")
        .annotate(staff_n=Count("staff", distinct=True))
        .aggregate(n=Count("client_id"), k=Count("client_id", filter=Q(staff_n__gte=2)))
    )
    window_clients, team_clients = team["n"], team["k"]
    return {
        "contacts_seen": agg["seen"],
        "contacts_not_met": agg["not_met"],
        "contacts_per_client_week": agg["seen"] / weeks if weeks else None,
        "contact_minutes_per_client_week": (agg["seen_minutes"] or 0) / weeks if weeks else None,
        "community_contact_share": share(agg["community"], agg["seen"]),
        "community_contact_share_n": agg["seen"],
        "informal_support_contacts": agg["informal"],
        "clients_not_seen_30d": not_seen,
        "team_approach_share": share(team_clients, window_clients),
        "team_approach_share_n": window_clients,
    }


def _hospital(c: _Context) -> dict[str, Any]:
    relapses = Relapse.objects.filter(c.cq(), onset_on__range=(c.first, c.last)).order_by()
    stays = HospitalStay.objects.filter(c.cq()).order_by()
    admissions = stays.filter(admitted_on__range=(c.first, c.last))
    adm = admissions.aggregate(
        all=Count("pk"),
        inv=Count("pk", filter=Q(legal_status=LegalStatus.INVOLUNTARY)),
        vol=Count("pk", filter=Q(legal_status=LegalStatus.VOLUNTARY)),
    )
    after = c.last + timedelta(days=1)
    bed_days = stays.filter(
        Q(admitted_on__lte=c.last) & (Q(discharged_on__isnull=True) | Q(discharged_on__gt=c.first))
    ).aggregate(
        days=Sum(
            DaysBetween(
                Least(Coalesce("discharged_on", Value(after)), Value(after)),
                Greatest("admitted_on", Value(c.first)),
            )
        )
    )["days"]
    rel = relapses.aggregate(n=Count("pk"), clients=Count("client_id", distinct=True))
    crises = Crisis.objects.filter(c.cq(), c.in_period("reported_at")).order_by()
    crisis_counts = crises.aggregate(
        n=Count("pk"), without=Count("pk", filter=Q(first_response_at__isnull=True))
    )
    hours = [
        d.total_seconds() / 3600
        for d in crises.filter(first_response_at__isnull=False)
        .annotate(d=ExpressionWrapper(F("first_response_at") - F("reported_at"), DurationField()))
        .values_list("d", flat=True)
    ]
    out = {
        "relapses": rel["n"],
        "clients_with_relapse": rel["clients"],
        "admissions": adm["all"],
        "admissions_involuntary": adm["inv"],
        "admissions_voluntary": adm["vol"],
        "involuntary_admission_share": share(adm["inv"], adm["all"]),
        "involuntary_admission_share_n": adm["all"],
        "bed_days": bed_days or 0,
        "crises": crisis_counts["n"],
        "crises_without_response": crisis_counts["without"],
        "crisis_response_hours_median": median(hours),
        "crisis_response_hours_median_n": len(hours),
    }
    involuntary_clients = Client.objects.filter(
        pk__in=admissions.filter(legal_status=LegalStatus.INVOLUNTARY).values("client_id")
    )
    out.update(_disaggregate("clients_with_involuntary_admission", involuntary_clients, c.last))
    return out


def _care(c: _Context) -> dict[str, Any]:
    agreed = PlanAgreement.objects.filter(
        client_id=OuterRef("client_id"),
        agreed_on__gte=c.last - timedelta(days=91),
        agreed_on__lte=c.last,
    )
    coverage = (
        c.episodes()
        .filter(c.active_on(c.last), started_on__lte=c.last - timedelta(days=30))
        .annotate(agreed=Exists(agreed))
        .aggregate(n=Count("pk"), k=Count("pk", filter=Q(agreed=True)))
    )

    # The MANSA instruments' ids up front, so that each lookup below is one range on the
    # (client, instrument, assessed_on) index rather than a join per episode.
    mansa_ids = list(Instrument.objects.filter(code="mansa").values_list("pk", flat=True))

    def mansa() -> QuerySet[Assessment]:
        return Assessment.objects.filter(
            client_id=OuterRef("client_id"),
            instrument_id__in=mansa_ids,
            score__isnull=False,
            assessed_on__gte=OuterRef("started_on"),
            assessed_on__lte=OuterRef("ep_end"),
        )

    baseline = mansa().order_by("assessed_on", "pk")
    change = ExpressionWrapper(
        F("followup_score") - F("baseline_score"),
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )
    qol = (
        c.episodes()
        .filter(c.overlapping())
        .annotate(ep_end=Coalesce("ended_on", Value(date(9999, 12, 31))))
        .annotate(
            baseline_on=Subquery(baseline.values("assessed_on")[:1], output_field=DateField()),
            baseline_score=Subquery(baseline.values("score")[:1], output_field=DecimalField()),
        )
        .annotate(
            followup_score=Subquery(
                mansa()
                .filter(
                    assessed_on__lte=c.last,
                    assessed_on__gte=AddDays(OuterRef("baseline_on"), 60),
                )
                .order_by("-assessed_on", "-pk")
                .values("score")[:1],
                output_field=DecimalField(),
            )
        )
        # The difference is NULL unless both scores exist: COUNT and AVG skip those episodes.
        .aggregate(n=Count(change), mean=Avg(change))
    )
    return {
        "care_plan_coverage": share(coverage["k"], coverage["n"]),
        "care_plan_coverage_n": coverage["n"],
        "qol_change_mean": float(qol["mean"]) if qol["n"] else None,
        "qol_change_mean_n": qol["n"],
    }


def _rights(c: _Context) -> dict[str, Any]:
    measures = CoerciveMeasure.objects.filter(c.cq(), c.in_period("started_at")).order_by()
    debrief = measures.annotate(started_on=c.local_date("started_at")).aggregate(
        n=Count("pk"),
        k=Count(
            "pk",
            filter=Q(debriefed_on__isnull=False, debriefed_on__lte=AddDays(F("started_on"), 14)),
        ),
    )
    out: dict[str, Any] = {
        "coercive_measures": debrief["n"],
        "coercive_measures_by_kind": _count_by(measures, "kind"),
        "coercion_debrief_share": share(debrief["k"], debrief["n"]),
        "coercion_debrief_share_n": debrief["n"],
    }
    out.update(
        _disaggregate(
            "clients_with_coercive_measure",
            Client.objects.filter(pk__in=measures.values("client_id")),
            c.last,
        )
    )

    def involuntary_stays(first: Any, last: Any) -> Subquery:
        return Subquery(
            HospitalStay.objects.filter(
                client_id=OuterRef("client_id"),
                legal_status=LegalStatus.INVOLUNTARY,
                admitted_on__gte=first,
                admitted_on__lte=last,
            )
            .order_by()
            .values("client_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )

    cohort = (
        c.episodes()
        .filter(c.overlapping())
        .annotate(ep_to=Least(Coalesce("ended_on", Value(c.last)), Value(c.last)))
        .annotate(
            before=Coalesce(
                involuntary_stays(
                    AddDays(OuterRef("started_on"), -365), AddDays(OuterRef("started_on"), -1)
                ),
                0,
            ),
            during=Coalesce(involuntary_stays(OuterRef("started_on"), OuterRef("ep_to")), 0),
            days=DaysBetween(F("ep_to"), F("started_on")) + 1,
        )
        .aggregate(
            n=Count("pk"), sum_before=Sum("before"), sum_during=Sum("during"), sum_days=Sum("days")
        )
    )
    out["involuntary_admissions_per_client_year_before"] = (
        cohort["sum_before"] / cohort["n"] if cohort["n"] else None
    )
    out["involuntary_admissions_per_client_year_during"] = (
        cohort["sum_during"] / (cohort["sum_days"] / 365) if cohort["sum_days"] else None
    )

    requests = AgencyRequest.objects.filter(c.cq()).order_by()
    response_days = list(
        requests.filter(responded_on__range=(c.first, c.last))
        .annotate(days=DaysBetween(F("responded_on"), F("sent_on")))
        .values_list("days", flat=True)
    )
    sent = Q(sent_on__range=(c.first, c.last))
    open_30d = Q(sent_on__lte=c.last - timedelta(days=30)) & (
        Q(responded_on__isnull=True) | Q(responded_on__gt=c.last)
    )
    agency = requests.filter(sent | open_30d).aggregate(
        sent=Count("pk", filter=sent), open_30d=Count("pk", filter=open_30d)
    )
    out.update(
        {
            "agency_requests_sent": agency["sent"],
            "agency_response_days_median": median(response_days),
            "agency_response_days_median_n": len(response_days),
            "agency_requests_open_30d": agency["open_30d"],
            "milestones_by_kind": _count_by(
                Milestone.objects.filter(c.cq(), achieved_on__range=(c.first, c.last)), "kind"
            ),
        }
    )
    return out


def _continuity(c: _Context) -> dict[str, Any]:
    """Follow-up after discharge, advance statements upheld, bed days before and during care."""
    stays = HospitalStay.objects.filter(c.cq()).order_by()
    in_care = Episode.objects.filter(
        client_id=OuterRef("client_id"),
        started_on__lte=OuterRef("discharged_on"),
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("discharged_on")))
    first_seen = (
        Contact.objects.filter(
            SEEN_CONTACT,
            OnOrAfterLocalDate(F("started_at"), OuterRef("discharged_on"), c.tz),
            client_id=OuterRef("client_id"),
        )
        .order_by("started_at")
        .annotate(on=c.local_date("started_at"))
        .values("on")[:1]
    )
    discharges = list(
        stays.filter(discharged_on__range=(c.first, c.last))
        .filter(Exists(in_care))
        .annotate(first_on=Subquery(first_seen, output_field=DateField()))
        .values_list("discharged_on", "first_on")
    )
    out: dict[str, Any] = {"hospital_discharges": len(discharges)}
    for key, days in (
        ("post_discharge_followup_72h_share", 3),
        ("post_discharge_followup_7d_share", 7),
    ):
        n = k = 0
        for discharged_on, first_on in discharges:
            followed = first_on is not None and (first_on - discharged_on).days <= days
            if not followed and discharged_on + timedelta(days=days) > c.today:
                continue  # the window is still open and nothing yet: not judged
            n += 1
            k += followed
        out[key] = share(k, n)
        out[f"{key}_n"] = n
    first_days = [(f - d).days for d, f in discharges if f is not None]
    out["post_discharge_first_contact_days_median"] = median(first_days)
    out["post_discharge_first_contact_days_median_n"] = len(first_days)

    upheld = (
        stays.filter(admitted_on__range=(c.first, c.last))
        .filter(
            advance_statement_upheld__in=(
                AdvanceStatementUpheld.YES,
                AdvanceStatementUpheld.PARTLY,
                AdvanceStatementUpheld.NO,
            )
        )
        .aggregate(
            n=Count("pk"),
            k=Count("pk", filter=Q(advance_statement_upheld=AdvanceStatementUpheld.YES)),
        )
    )
    out["advance_statement_upheld_share"] = share(upheld["k"], upheld["n"])
    out["advance_statement_upheld_share_n"] = upheld["n"]

    def bed_days(window_first: Any, window_last: Any) -> Coalesce:
        """Nights of the episode's client in hospital from window_first to window_last."""
        after = AddDays(window_last, 1)
        nights = (
            HospitalStay.objects.filter(
                client_id=OuterRef("client_id"),
                admitted_on__lte=window_last,
            )
            .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=window_first))
            .order_by()
            .values("client_id")
            .annotate(
                n=Sum(
                    DaysBetween(
                        Least(Coalesce("discharged_on", after), after),
                        Greatest("admitted_on", window_first),
                    )
                )
            )
            .values("n")
        )
        return Coalesce(Subquery(nights, output_field=IntegerField()), 0)

    cohort = (
        c.episodes()
        .filter(c.overlapping())
        .annotate(ep_to=Least(Coalesce("ended_on", Value(c.last)), Value(c.last)))
        .annotate(
            before=bed_days(
                AddDays(OuterRef("started_on"), -365), AddDays(OuterRef("started_on"), -1)
            ),
            during=bed_days(OuterRef("started_on"), OuterRef("ep_to")),
            days=DaysBetween(F("ep_to"), F("started_on")) + 1,
        )
        .aggregate(
            n=Count("pk"), sum_before=Sum("before"), sum_during=Sum("during"), sum_days=Sum("days")
        )
    )
    out["bed_days_per_client_year_before"] = (
        cohort["sum_before"] / cohort["n"] if cohort["n"] else None
    )
    out["bed_days_per_client_year_during"] = (
        cohort["sum_during"] / (cohort["sum_days"] / 365) if cohort["sum_days"] else None
    )
    return out


def _safety_and_coordination(c: _Context) -> dict[str, Any]:
    """Adverse events, agency requests by kind of agency, the waiting list when computed."""
    adverse = dict.fromkeys(ADVERSE_EVENT_KINDS, 0)
    adverse.update(
        _count_by(AdverseEvent.objects.filter(c.cq(), occurred_on__range=(c.first, c.last)), "kind")
    )
    requests = (
        AgencyRequest.objects.filter(c.cq())
        .order_by()
        .annotate(kind=Coalesce("listed_agency__kind", Value(AgencyKind.OTHER)))
    )
    sent = dict.fromkeys(AGENCY_KINDS, 0)
    for kind, n in (
        requests.filter(sent_on__range=(c.first, c.last))
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    ):
        sent[kind] += n
    days_by_kind: dict[str, list[int]] = {kind: [] for kind in AGENCY_KINDS}
    for kind, days in (
        requests.filter(responded_on__range=(c.first, c.last))
        .annotate(days=DaysBetween(F("responded_on"), F("sent_on")))
        .values_list("kind", "days")
    ):
        days_by_kind[kind].append(days)

    waiting = [
        (c.today - received_on).days
        for received_on in Referral.objects.filter(c.target.referrals(), status=Status.WAITLISTED)
        .order_by()
        .annotate(on=c.local_date("received_at"))
        .values_list("on", flat=True)
    ]
    return {
        "adverse_events_by_kind": adverse,
        "agency_requests_by_kind": sent,
        "agency_response_days_median_by_kind": {k: median(v) for k, v in days_by_kind.items()},
        "agency_response_days_median_by_kind_n": {k: len(v) for k, v in days_by_kind.items()},
        "waiting_list_when_computed": len(waiting),
        "waiting_days_median_when_computed": median(waiting),
        "waiting_days_median_when_computed_n": len(waiting),
    }


def as_of(period: Period, today: date | None = None) -> date:
    """Return the day a computation of `period` made today stops at (see Period.as_of)."""
    return period.as_of(today or timezone.localdate())


def compute(period: Period, scope: Scope, *, today: date | None = None) -> dict[str, Any]:
    """Compute every indicator of INDICATORS.md for `period` and `scope` as a JSON-ready dict.

    A period that has not ended is computed to date (`today`, by default the local date).
    """
    today = today or timezone.localdate()
    c = _Context(period, resolve_scope(scope), as_of(period, today), today)
    values: dict[str, Any] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The engine's statements are many short aggregates: compiling each with the JIT costs
            # more (up to a second apiece at L) than it saves. Local to this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        values.update(_caseload(c))
        values.update(_referrals(c))
        values.update(_contacts(c, values["client_days"]))
        values.update(_hospital(c))
        values.update(_care(c))
        values.update(_rights(c))
        values.update(_continuity(c))
        values.update(_safety_and_coordination(c))
    ordered: dict[str, Any] = {}
    for key in INDICATOR_KEYS:
        ordered[key] = values[key]
        if key in N_KEYS:
            ordered[f"{key}_n"] = values[f"{key}_n"]
        if key in DISAGGREGATED:
            ordered[f"{key}_by_sex"] = values[f"{key}_by_sex"]
            ordered[f"{key}_by_age"] = values[f"{key}_by_age"]
    return ordered
