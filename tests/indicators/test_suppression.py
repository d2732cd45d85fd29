"""Complementary suppression (issue 14, item 4): no hidden cell of a report can be worked out.

The property test builds random small-number reports (a municipality, several teams, by-sex and
by-age breakdowns, shares and rates, the trend), lets `reports.report_decision` decide what is
hidden, and gives the result to an attacker written here from INDICATORS.md alone: it knows the
shown values exactly, `<5` as 1 to 4, a count `x` as 5 or more, every sum a report implies, and
share × n; it narrows each unknown's interval by every equation until nothing changes. It must
never pin a hidden cell to one value, and no shown value may differ from the exact one.
"""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from indicators import formatting as fmt
from indicators import reports, suppression
from indicators.reports import Column

SEXES = ("female", "male", "other", "unknown")
BANDS = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown")
SOURCES = ("gp", "hospital", "family", "self")
REASONS = ("goals_met", "moved_away", "died")
KINDS = ("seclusion", "restraint")
MILESTONES = ("housing", "work")
PERSON_KEYS = (
    "clients_served",
    "clients_with_involuntary_admission",
    "clients_with_coercive_measure",
)
PLAIN_COUNTS = (
    "caseload_start",
    "caseload_end",
    "episodes_started",
    "clients_not_seen_30d",
    "crises",
    "crises_without_response",
    "relapses",
    "bed_days",
    "agency_requests_open_30d",
    "hospital_discharges",
    "waiting_list_when_computed",
)
AGENCY_KINDS = ("housing", "health", "other")
ADVERSE = ("self_harm", "death", "arrest")
ANSWERS = ("yes", "partly", "no", "not_say")
SURVEY_ITEMS = ("felt_respected", "coercion_experienced")


TREND_COUNTS = ("clients_served", "caseload_end", "crises", "admissions_involuntary",
                "coercive_measures")  # fmt: skip


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def team_values(rng: random.Random) -> dict:
    """One team's snapshot values: small numbers, every relation of a real snapshot holds."""
    small = lambda: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12])  # noqa: E731
    v: dict = {key: small() for key in PLAIN_COUNTS}
    v["client_days"] = rng.choice([0, 30, 90, 300, 700])
    for key in PERSON_KEYS:
        people = [(rng.choice(SEXES), rng.choice(BANDS)) for _i in range(small())]
        v[key] = len(people)
        v[f"{key}_by_sex"] = {s: sum(1 for p in people if p[0] == s) for s in SEXES}
        v[f"{key}_by_age"] = {b: sum(1 for p in people if p[1] == b) for b in BANDS}
    v["referrals_by_source"] = {s: small() for s in rng.sample(SOURCES, rng.randint(0, 4))}
    v["referrals_received"] = sum(v["referrals_by_source"].values())
    v["episodes_ended_by_reason"] = {r: small() for r in rng.sample(REASONS, rng.randint(0, 3))}
    v["episodes_ended"] = sum(v["episodes_ended_by_reason"].values())
    v["coercive_measures_by_kind"] = {k: small() for k in KINDS}
    v["coercive_measures"] = sum(v["coercive_measures_by_kind"].values())
    v["milestones_by_kind"] = {m: small() for m in MILESTONES}
    v["agency_requests_by_kind"] = {k: small() for k in AGENCY_KINDS}
    v["agency_requests_sent"] = sum(v["agency_requests_by_kind"].values())
    v["adverse_events_by_kind"] = {k: small() for k in ADVERSE}
    v["admissions_voluntary"], v["admissions_involuntary"] = small(), small()
    v["contacts_seen"] = rng.choice([0, 2, 5, 8, 20, 40])
    v["_community"] = rng.randint(0, v["contacts_seen"])
    v["_debriefed"] = rng.randint(0, v["coercive_measures"])
    v["_minutes"] = 45 * v["contacts_seen"]
    v["_first_n"] = small()
    return v


def derived(v: dict) -> dict:
    """The statistics of a snapshot from its counts (as the engine computes them)."""
    v = dict(v)
    v["admissions"] = v["admissions_voluntary"] + v["admissions_involuntary"]
    v["involuntary_admission_share"] = _share(v["admissions_involuntary"], v["admissions"])
    v["involuntary_admission_share_n"] = v["admissions"]
    v["community_contact_share"] = _share(v["_community"], v["contacts_seen"])
    v["community_contact_share_n"] = v["contacts_seen"]
    v["coercion_debrief_share"] = _share(v["_debriefed"], v["coercive_measures"])
    v["coercion_debrief_share_n"] = v["coercive_measures"]
    weeks = v["client_days"] / 7
    v["contacts_per_client_week"] = v["contacts_seen"] / weeks if weeks else None
    v["contact_minutes_per_client_week"] = v["_minutes"] / weeks if weeks else None
    v["first_contact_days_median"] = 3.5 if v["_first_n"] else None
    v["first_contact_days_median_n"] = v["_first_n"]
    return v


def municipality_values(teams: list[dict]) -> dict:
    out: dict = {}
    for v in teams:
        for key, value in v.items():
            if isinstance(value, dict):
                box = out.setdefault(key, {})
                for name, n in value.items():
                    box[name] = box.get(name, 0) + n
            elif isinstance(value, int):
                out[key] = out.get(key, 0) + value
    return out


def make_report(seed: int, n_teams: int, trend_is_period: bool):
    rng = random.Random(seed)
    raw = [team_values(rng) for _i in range(n_teams)]
    teams = [derived(v) for v in raw]
    muni = derived(municipality_values(raw))
    columns = [Column("Sofia", SimpleNamespace(values=muni))] + [
        Column(f"T{i}", SimpleNamespace(values=v), team=SimpleNamespace(name=f"T{i}"))
        for i, v in enumerate(teams)
    ]
    other = derived(team_values(rng))
    trend = [
        {"period": "2026-Q2", "values": other},
        {"period": "2026-Q3" if trend_is_period else "2026-Q1", "values": muni},
    ]
    survey = {
        item: {a: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9]) for a in ANSWERS} for item in SURVEY_ITEMS
    }
    extras = {"exit_survey": survey}
    return SimpleNamespace(period="2026-Q3", trend=trend, extras=extras), columns


# --- The attacker ----------------------------------------------------------------------------


def equations(report, columns) -> list[dict[tuple[str, str], int]]:
    """Every linear relation between the counts a report shows (INDICATORS.md), Σ coef·x = 0."""
    eqs: list[dict] = []
    cols = [f"c{i}" for i in range(len(columns))]
    for c, col in zip(cols, columns, strict=True):
        v = col.snapshot.values
        for total, bd in (
            ("referrals_received", "referrals_by_source"),
            ("episodes_ended", "episodes_ended_by_reason"),
            ("coercive_measures", "coercive_measures_by_kind"),
            ("agency_requests_sent", "agency_requests_by_kind"),
            *((k, f"{k}_by_sex") for k in PERSON_KEYS),
            *((k, f"{k}_by_age") for k in PERSON_KEYS),
        ):
            names = reports._breakdown_names(bd, columns)
            eq = {(c, total): 1}
            eq.update({(c, f"{bd}.{n}"): -1 for n in names})
            eqs.append(eq)
        eqs.append(
            {
                (c, "admissions"): 1,
                (c, "admissions_voluntary"): -1,
                (c, "admissions_involuntary"): -1,
            }
        )
        del v
    keys = set(PLAIN_COUNTS) | set(PERSON_KEYS) | {
        "client_days", "referrals_received", "episodes_ended", "coercive_measures", "admissions",
        "admissions_voluntary", "admissions_involuntary", "contacts_seen",
        "informal_support_contacts", "contacts_not_met",
        "community#k", "debriefed#k", "agency_requests_sent",
    }  # fmt: skip
    for bd, _t in reports.BREAKDOWNS:
        keys |= {f"{bd}.{n}" for n in reports._breakdown_names(bd, columns)}
    if len(cols) > 1:
        for key in keys:
            eq = {(cols[0], key): 1}
            eq.update({(c, key): -1 for c in cols[1:]})
            eqs.append(eq)
    for i, t in enumerate(report.trend):
        if t["period"] == report.period:
            for key in TREND_COUNTS:
                eqs.append({(f"t{i}", key): 1, (cols[0], key): -1})
    for item, counts in report.extras["exit_survey"].items():
        if sum(counts.values()) >= reports.EXIT_SURVEY_MIN:  # an item is shown from 5 answers
            eq = {("s", f"exit.{item}"): 1}
            eq.update({("s", f"exit.{item}.by_answer.{a}"): -1 for a in ANSWERS})
            eqs.append(eq)
    return eqs


def attack(report, columns, decision) -> dict:
    """Bounds of every count after the attacker's reasoning."""
    hidden = decision.hidden
    b: dict[tuple[str, str], list[float]] = {}

    def know(cid, value, mark):
        if mark is None:
            b[cid] = [value, value]
        elif mark == fmt.SMALL_COUNT:
            b[cid] = [1, 4]
        elif mark == suppression.SECONDARY:  # withheld, never 0; told when it is 5 or more
            b[cid] = [5 if value >= 5 else 1, math.inf]
        else:
            b[cid] = [0, math.inf]

    sources = [(f"c{i}", c.snapshot.values) for i, c in enumerate(columns)]
    trend_keys = TREND_COUNTS
    linked = [f"t{i}" for i, t in enumerate(report.trend) if t["period"] == report.period]
    for sid, v in sources:
        for key in {*PLAIN_COUNTS, *PERSON_KEYS, "referrals_received", "episodes_ended",
                    "coercive_measures", "admissions", "admissions_voluntary",
                    "admissions_involuntary", "contacts_seen", "client_days",
                    "informal_support_contacts", "contacts_not_met",
                    "agency_requests_sent"}:  # fmt: skip
            know((sid, key), v.get(key) or 0, hidden.get((sid, key)))
        for bd, _t in reports.BREAKDOWNS:
            for n in reports._breakdown_names(bd, columns):
                know(
                    (sid, f"{bd}.{n}"), (v.get(bd) or {}).get(n, 0), hidden.get((sid, f"{bd}.{n}"))
                )
        for mine, _share in (("community#k", "community_contact_share"),
                            ("debriefed#k", "coercion_debrief_share")):  # fmt: skip
            b[(sid, mine)] = [0, math.inf]
    for item, counts in report.extras["exit_survey"].items():
        if sum(counts.values()) >= reports.EXIT_SURVEY_MIN:
            total = ("s", f"exit.{item}")
            know(total, sum(counts.values()), hidden.get(total))
            for a in ANSWERS:
                cid = ("s", f"exit.{item}.by_answer.{a}")
                know(cid, counts[a], hidden.get(cid))
    for i, t in enumerate(report.trend):
        for key in trend_keys:
            know((f"t{i}", key), t["values"].get(key) or 0, hidden.get((f"t{i}", key)))
    eqs = equations(report, columns)
    for _round in range(500):
        before = {k: tuple(v) for k, v in b.items()}
        # share × n and rate × weeks, for every shown statistic
        for sid, v in sources:
            for stat, num, n, scale in (
                ("involuntary_admission_share", "admissions_involuntary", "admissions", 1),
                ("community_contact_share", "community#k", "contacts_seen", 1),
                ("coercion_debrief_share", "debriefed#k", "coercive_measures", 1),
                ("contacts_per_client_week", "contacts_seen", "client_days", 7),
            ):
                value = v.get(stat)
                # the trend's own quarter shows the municipality's statistics again
                shown_in_trend = sid == "c0" and any(
                    (t, stat) not in hidden for t in linked if (t, stat) in decision.problem.cells
                )
                if ((sid, stat) in hidden and not shown_in_trend) or value is None:
                    continue
                lo_n, hi_n = b[(sid, n)]
                if lo_n == hi_n:
                    k = round(value * lo_n / scale)
                    b[(sid, num)] = [k, k]
                lo_k, hi_k = b[(sid, num)]
                if lo_k == hi_k and value:
                    m = round(lo_k * scale / value)
                    b[(sid, n)] = [m, m]
                if scale == 1:  # a share's numerator is at most its n
                    b[(sid, num)][1] = min(b[(sid, num)][1], b[(sid, n)][1])
        for eq in eqs:
            for x, cx in eq.items():
                # cx·x = −Σ c·y
                lo = hi = 0.0
                for y, cy in eq.items():
                    if y == x:
                        continue
                    ylo, yhi = b[y]
                    lo += -cy * (yhi if cy > 0 else ylo)
                    hi += -cy * (ylo if cy > 0 else yhi)
                if cx < 0:
                    lo, hi = -hi, -lo
                b[x] = [max(b[x][0], lo), min(b[x][1], hi)]
        if {k: tuple(v) for k, v in b.items()} == before:
            break
    return b


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**9),
    n_teams=st.integers(1, 4),
    trend_is_period=st.booleans(),
)
def test_no_hidden_cell_can_be_worked_out(seed, n_teams, trend_is_period):
    report, columns = make_report(seed, n_teams, trend_is_period)
    decision = reports.report_decision(report, columns)
    hidden = decision.hidden
    b = attack(report, columns, decision)
    for cid, (lo, hi) in b.items():
        assert lo <= hi, (cid, lo, hi)  # the attacker's facts are true ones
        if cid in hidden and decision.problem.cells[cid].shown:
            assert lo != hi, f"{cid} = {lo} can be worked out"
    # A hidden share whose numerator and n are both known is recovered.
    for sid in (f"c{i}" for i in range(len(columns))):
        for stat, num, n in (
            ("involuntary_admission_share", "admissions_involuntary", "admissions"),
            ("community_contact_share", "community#k", "contacts_seen"),
            ("coercion_debrief_share", "debriefed#k", "coercive_measures"),
            ("contacts_per_client_week", "contacts_seen", "client_days"),
        ):
            if (sid, stat) in hidden and b[(sid, n)][0] == b[(sid, n)][1] and b[(sid, n)][0]:
                assert b[(sid, num)][0] != b[(sid, num)][1], f"{sid} {stat} can be worked out"


@hsettings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9), n_teams=st.integers(1, 4))
def test_primary_rule_holds_and_no_shown_value_changes(seed, n_teams):
    report, columns = make_report(seed, n_teams, True)
    decision = reports.report_decision(report, columns)
    for (sid, key), cell in decision.problem.cells.items():
        if not cell.shown:
            continue
        text = decision.text(sid, key, cell.kind)
        if (sid, key) in decision.hidden:
            assert suppression.is_hidden(text) or text == fmt.EMPTY
            continue
        assert text == fmt.show(cell.value, cell.kind, n=cell.n, suppress=False)
        if cell.kind == fmt.COUNT:
            assert not fmt.is_small(int(cell.value or 0)), (sid, key)
        elif cell.kind in fmt.STATISTICS and cell.n:
            assert cell.n >= fmt.THRESHOLD, (sid, key)
            if cell.kind == fmt.SHARE:
                k = round(cell.value * cell.n)
                assert not fmt.is_small(k) and not fmt.is_small(cell.n - k), (sid, key)


# --- The cases of the issue --------------------------------------------------------------------

ADM = [(k, fmt.COUNT) for k in ("admissions", "admissions_voluntary", "admissions_involuntary")]


def _adm(inv: int, vol: int = 0) -> dict:
    return derived(
        {
            **dict.fromkeys(PLAIN_COUNTS, 0),
            "admissions_involuntary": inv,
            "admissions_voluntary": vol,
            "contacts_seen": 0,
            "client_days": 0,
            "coercive_measures": 0,
            "_community": 0,
            "_debriefed": 0,
            "_minutes": 0,
            "_first_n": 0,
        }
    )


def test_demo_involuntary_admissions_sofia_7_centre_6_lyulin_1():
    rows = [("admissions_involuntary", fmt.COUNT)]
    d = suppression.suppressed(
        [
            suppression.Source("sofia", _adm(7), rows, part="municipality"),
            suppression.Source("centre", _adm(6), rows, part="team"),
            suppression.Source("lyulin", _adm(1), rows, part="team"),
        ]
    )
    texts = [d.text(s, "admissions_involuntary", fmt.COUNT) for s in ("sofia", "centre", "lyulin")]
    assert texts == ["7", suppression.SECONDARY, "<5"]
    assert suppression.recover(d.problem, d.hidden) == []


def test_bounds_pin_a_secondary_cell_so_the_total_is_hidden_too():
    """Sofia 6 = Centre 5 + Lyulin 1: hiding Centre (≥ 5) leaves Centre = 5, Lyulin = 1."""
    rows = [("admissions_involuntary", fmt.COUNT)]
    d = suppression.suppressed(
        [
            suppression.Source("sofia", _adm(6), rows, part="municipality"),
            suppression.Source("centre", _adm(5), rows, part="team"),
            suppression.Source("lyulin", _adm(1), rows, part="team"),
        ]
    )
    assert d.text("sofia", "admissions_involuntary", fmt.COUNT) == suppression.SECONDARY
    assert suppression.recover(d.problem, d.hidden) == []


def test_by_sex_38_26_3_0_of_67_hides_one_more_cell():
    rows = [("clients_served", fmt.COUNT)]
    by_sex = {"female": 38, "male": 26, "other": 3, "unknown": 0}
    d = suppression.suppressed(
        [
            suppression.Source(
                "sofia",
                {"clients_served": 67, "clients_served_by_sex": by_sex},
                rows,
                [("clients_served_by_sex", list(SEXES))],
            )
        ]
    )
    texts = {s: d.text("sofia", f"clients_served_by_sex.{s}", fmt.COUNT) for s in SEXES}
    assert texts == {"female": "38", "male": "x", "other": "<5", "unknown": "0"}
    assert d.text("sofia", "clients_served", fmt.COUNT) == "67"


def test_share_of_40_percent_of_5_admissions_is_hidden():
    rows = [*ADM, ("involuntary_admission_share", fmt.SHARE)]
    d = suppression.suppressed([suppression.Source("sofia", _adm(2, 3), rows)])
    assert d.text("sofia", "admissions", fmt.COUNT) == "5"
    assert d.text("sofia", "admissions_involuntary", fmt.COUNT) == "<5"
    assert d.text("sofia", "involuntary_admission_share", fmt.SHARE) == "n<5"


def test_share_hidden_when_its_numerator_is_hidden_secondarily():
    rows = [*ADM, ("involuntary_admission_share", fmt.SHARE)]
    d = suppression.suppressed([suppression.Source("sofia", _adm(6, 1), rows)])
    assert d.text("sofia", "admissions_voluntary", fmt.COUNT) == "<5"
    assert d.text("sofia", "admissions_involuntary", fmt.COUNT) == suppression.SECONDARY
    assert d.text("sofia", "involuntary_admission_share", fmt.SHARE) in (
        "n<5",
        suppression.SECONDARY,
    )


def test_rate_hidden_when_its_numerator_is_hidden():
    rows = [("contacts_seen", fmt.COUNT), ("client_days", fmt.COUNT),
            ("contacts_per_client_week", fmt.RATE)]  # fmt: skip
    values = {"contacts_seen": 3, "client_days": 700, "contacts_per_client_week": 0.03}
    d = suppression.suppressed([suppression.Source("sofia", values, rows)])
    assert d.text("sofia", "contacts_seen", fmt.COUNT) == "<5"
    assert d.text("sofia", "contacts_per_client_week", fmt.RATE) == suppression.SECONDARY
    assert d.text("sofia", "client_days", fmt.COUNT) == "700"
