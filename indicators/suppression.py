"""Complementary suppression: which cells of a whole report are hidden (INDICATORS.md,
"Municipal reports").

Every figure that leaves the team (the report page, its PDF and CSV, `/public/reports/`, team
figures seen by a coordinator) is decided here, for all the report's tables at once, and
rendered with `formatting.show` (rounding). Nothing hidden may be worked out from what is shown.

**Primary suppression** (formatting.py): a count from 1 to 4 shows `<5`; a median, percentile,
share or mean over fewer than 5 items shows `n<5`; so does a share whose numerator k = share × n,
or n − k, is from 1 to 4.

**Secondary suppression** hides more cells, shown as `x` (withheld: a count `x` is never 0),
until none of these relations lets a hidden cell be worked out:

- **Additive groups** (a total and its cells, every cell shown):
  - `referrals_received` = Σ `referrals_by_source`; `episodes_ended` = Σ
    `episodes_ended_by_reason`; `coercive_measures` = Σ `coercive_measures_by_kind`;
    `agency_requests_sent` = Σ `agency_requests_by_kind`; `milestones_by_kind` and
    `adverse_events_by_kind` have no total shown (their cells still add up across teams);
  - a source's own `sums` (the exit survey: an item's answers = Σ its answers by kind);
  - `clients_served`, `clients_with_involuntary_admission`, `clients_with_coercive_measure` =
    Σ of their `_by_sex` cells, and = Σ of their `_by_age` cells;
  - `admissions` = `admissions_voluntary` + `admissions_involuntary`;
  - **the municipality/team split**: every count of the municipality's column (rows, breakdown
    cells and the implied numerators below) = Σ of the same count over its teams' columns;
  - **the trend**: the trend's quarter that is the report's own period is the municipality's
    column again (an equality: a group with one cell).
  Where a group has exactly one hidden cell, the smallest shown non-zero cell of the group is
  hidden too (a part before the total); this is repeated over all groups until nothing changes
  (a team's cell is in its column's groups and in the municipality/team group at once).
- **Ratios and their n**: a share, mean or rate whose numerator or n is a hidden cell is hidden
  (`involuntary_admission_share` = `admissions_involuntary` / `admissions`;
  `contacts_per_client_week` = `contacts_seen` / (`client_days` / 7);
  `contact_minutes_per_client_week` over `client_days`; `community_contact_share` over
  `contacts_seen`; `coercion_debrief_share` over `coercive_measures`). A share whose n is shown
  also reveals its numerator k (community contacts, debriefed measures): k is an *implied* cell,
  hidden exactly when its share is, and it takes part in the municipality/team split.
- **Bounds**: a reader knows that `<5` is 1 to 4 and that a count `x` is not 0 (`recover`
  assumes, to be safe, that it also knows when an `x` is 5 or more). The bound reasoning of
  `recover` (each group equation narrows the interval of each unknown, repeated) is run on the
  result; a hidden cell it pins down gets a shown neighbour hidden too, and when a group has
  only zeros and hidden cells left (everything small: 4 = 3 + 1 with every part `<5`), one of
  its `<5` cells (its total first) is shown as `x` instead, which drops the reader's bound of 4.
  This goes on until `recover` pins nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import formatting as fmt

SECONDARY = "x"

# (total key, breakdown key): the breakdown's cells add up to the total. (`milestones_by_kind`
# has no total shown: its cells only add up across teams.)
BREAKDOWN_TOTALS: list[tuple[str, str]] = [
    ("referrals_received", "referrals_by_source"),
    ("episodes_ended", "episodes_ended_by_reason"),
    ("coercive_measures", "coercive_measures_by_kind"),
    ("agency_requests_sent", "agency_requests_by_kind"),
    *(
        (key, f"{key}_by_{part}")
        for key in (
            "clients_served",
            "clients_with_involuntary_admission",
            "clients_with_coercive_measure",
        )
        for part in ("sex", "age")
    ),
]
# total key: its parts (rows of the same column).
ROW_SUMS: dict[str, list[str]] = {
    "admissions": ["admissions_voluntary", "admissions_involuntary"],
}
# statistic key: (numerator row or None, n row or None). A numerator None with an n row and a
# SHARE kind is an implied cell `<key>#k`.
RATIOS: dict[str, tuple[str | None, str | None]] = {
    "involuntary_admission_share": ("admissions_involuntary", "admissions"),
    "community_contact_share": (None, "contacts_seen"),
    "coercion_debrief_share": (None, "coercive_measures"),
    "contacts_per_client_week": ("contacts_seen", "client_days"),
    "contact_minutes_per_client_week": (None, "client_days"),
}
IMPLIED = "#k"

CellId = tuple[str, str]  # (source id, key) ; a breakdown cell's key is "<breakdown>.<name>"


@dataclass
class Source:
    """One snapshot's values as the report shows them: `rows` (key, kind) and `breakdowns`
    (key, names of its cells).

    `part` is "municipality", "team" or "other" (a trend quarter, a period of a team's page);
    `same_as` names the source that holds the same figures (the trend's own quarter).
    """

    id: str
    values: dict[str, Any]
    rows: list[tuple[str, str]]
    breakdowns: list[tuple[str, list[str]]] = field(default_factory=list)
    part: str = "other"
    same_as: str | None = None
    # More (total row, breakdown) pairs that add up, for this source only (the exit survey).
    sums: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Cell:
    value: Any
    kind: str
    n: int | None = None
    shown: bool = True  # False: an implied numerator, never printed


@dataclass
class Problem:
    cells: dict[CellId, Cell] = field(default_factory=dict)
    # (total, parts): total = Σ parts
    groups: list[tuple[CellId, list[CellId]]] = field(default_factory=list)
    # (statistic, numerator or None, n or None)
    ratios: list[tuple[CellId, CellId | None, CellId | None]] = field(default_factory=list)


def _count(value: Any) -> int:
    return int(value or 0)


def _add_source(p: Problem, s: Source) -> None:
    v = s.values
    kinds = dict(s.rows)
    for key, kind in s.rows:
        p.cells[(s.id, key)] = Cell(v.get(key), kind, v.get(f"{key}_n"))
        if key not in RATIOS:
            continue
        num, n_key = RATIOS[key]
        if n_key not in kinds:
            n_key = None
        if num is None and kind == fmt.SHARE and n_key:
            k = None
            if v.get(key) is not None and v.get(f"{key}_n"):
                k = round(float(v[key]) * v[f"{key}_n"])
            num = key + IMPLIED
            p.cells[(s.id, num)] = Cell(k, fmt.COUNT, shown=False)
        elif num not in kinds:
            num = None
        p.ratios.append(
            ((s.id, key), (s.id, num) if num else None, (s.id, n_key) if n_key else None)
        )
    for key, names in s.breakdowns:
        got = v.get(key) or {}
        for name in names:
            p.cells[(s.id, f"{key}.{name}")] = Cell(got.get(name, 0), fmt.COUNT)
    shown_breakdowns = dict(s.breakdowns)
    for total, key in [*BREAKDOWN_TOTALS, *s.sums]:
        if total in kinds and key in shown_breakdowns:
            p.groups.append(((s.id, total), [(s.id, f"{key}.{n}") for n in shown_breakdowns[key]]))
    for total, parts in ROW_SUMS.items():
        if total in kinds and all(part in kinds for part in parts):
            p.groups.append(((s.id, total), [(s.id, part) for part in parts]))


def build(sources: list[Source]) -> Problem:
    """The cells of a report and the relations between them (see the module's docstring)."""
    p = Problem()
    for s in sources:
        _add_source(p, s)
    teams = [s for s in sources if s.part == "team"]
    for m in (s for s in sources if s.part == "municipality"):
        if not teams:
            continue
        keys = sorted({k for (sid, k), c in p.cells.items() if sid == m.id and c.kind == fmt.COUNT})
        for key in keys:
            if all((t.id, key) in p.cells for t in teams):
                p.groups.append(((m.id, key), [(t.id, key) for t in teams]))
    ids = {s.id for s in sources}
    for s in sources:
        if s.same_as not in ids:
            continue
        for (sid, key), cell in list(p.cells.items()):
            if sid != s.id or (s.same_as, key) not in p.cells:
                continue
            if cell.kind == fmt.COUNT:
                p.groups.append(((s.id, key), [(s.same_as, key)]))
            else:  # the same statistic: hidden in one, hidden in both
                p.ratios.append(((s.id, key), (s.same_as, key), None))
                p.ratios.append(((s.same_as, key), (s.id, key), None))
    return p


def _primary(cell: Cell) -> str | None:
    if cell.kind == fmt.COUNT:
        return (
            fmt.SMALL_COUNT if cell.value is not None and fmt.is_small(_count(cell.value)) else None
        )
    if cell.kind not in fmt.STATISTICS or cell.n is None or cell.n <= 0:
        return None
    if cell.n < fmt.THRESHOLD:
        return fmt.SMALL_N
    if cell.kind == fmt.SHARE and cell.value is not None:
        k = round(float(cell.value) * cell.n)
        if fmt.is_small(k) or fmt.is_small(cell.n - k):
            return fmt.SMALL_N
    return None


def decide(p: Problem) -> dict[CellId, str]:
    """Return the hidden cells and their mark (`<5`, `n<5` or `x`)."""
    hidden: dict[CellId, str] = {}
    for cid, cell in p.cells.items():
        mark = _primary(cell)
        if mark:
            hidden[cid] = mark
    implied = {num: stat for stat, num, _n in p.ratios if num and num[1].endswith(IMPLIED)}
    member: dict[CellId, list[int]] = {}
    for i, (total, parts) in enumerate(p.groups):
        for cid in [total, *parts]:
            member.setdefault(cid, []).append(i)

    def hide(cid: CellId) -> None:
        hidden.setdefault(cid, SECONDARY)
        if cid in implied:
            hidden.setdefault(implied[cid], SECONDARY)

    def hide_neighbour(group: int) -> bool:
        """Hide the smallest shown non-zero part of a group (the total if no part is left)."""
        total, parts = p.groups[group]
        candidates = [c for c in parts if c not in hidden and _count(p.cells[c].value) != 0]
        if not candidates and total not in hidden and _count(p.cells[total].value):
            candidates = [total]
        if not candidates:
            return False
        hide(min(candidates, key=lambda c: _count(p.cells[c].value)))  # min: the first of ties
        return True

    def widen(group: int) -> bool:
        """Show a `<5` of the group (its total first) as `x`: the reader loses its bound of 4."""
        total, parts = p.groups[group]
        for c in [total, *parts]:
            if hidden.get(c) == fmt.SMALL_COUNT:
                hidden[c] = SECONDARY
                return True
        return False

    while True:
        before = (len(hidden), sum(1 for m in hidden.values() if m == SECONDARY))
        for stat, num, n in p.ratios:
            if stat in hidden and num in implied:
                hidden.setdefault(num, SECONDARY)
            if stat not in hidden and ((num and num in hidden) or (n and n in hidden)):
                hidden[stat] = SECONDARY
        for i, (total, parts) in enumerate(p.groups):
            unknown = [c for c in [total, *parts] if c in hidden]
            if len(unknown) == 1:
                hide_neighbour(i)
        if (len(hidden), sum(1 for m in hidden.values() if m == SECONDARY)) == before:
            for cid in recover(p, hidden):
                groups = member.get(cid, [])
                # a shown neighbour hidden; failing that (only zeros and hidden cells are left),
                # a `<5` of its groups shown as `x`
                if any(hide_neighbour(i) for i in groups) or any(widen(i) for i in groups):
                    break  # one at a time: the bounds change with each
        if (len(hidden), sum(1 for m in hidden.values() if m == SECONDARY)) == before:
            return hidden


def bounds_of(p: Problem, hidden: dict[CellId, str]) -> dict[CellId, tuple[float, float]]:
    """What a reader knows of every count: exact when shown, 1–4 for `<5`, ≥ 5 for a count `x`,
    0 to n for an implied numerator of a hidden share (n's own bounds); then narrowed by every
    group equation and every shown share × its n, repeated until nothing changes."""
    b: dict[CellId, tuple[float, float]] = {}
    for cid, cell in p.cells.items():
        if cell.kind != fmt.COUNT:
            continue
        mark = hidden.get(cid)
        if mark is None:
            v = float(_count(cell.value))
            b[cid] = (v, v)
        elif mark == fmt.SMALL_COUNT:
            b[cid] = (1.0, 4.0)
        elif cell.shown:  # `x`: 5 or more, or a widened `<5` (the reader cannot tell which)
            low = fmt.THRESHOLD if _count(cell.value) >= fmt.THRESHOLD else 1
            b[cid] = (float(low), math.inf)
        else:
            b[cid] = (0.0, math.inf)
    for _stat, num, n in p.ratios:
        if num and n and num in b and n in b and num in hidden and not p.cells[num].shown:
            b[num] = (b[num][0], min(b[num][1], b[n][1]))
    changed = True
    rounds = 0
    while changed and rounds < 200:
        changed = False
        rounds += 1
        for total, parts in p.groups:
            terms = [(total, 1)] + [(c, -1) for c in parts]
            if all(b[c][0] == b[c][1] for c, _s in terms):
                continue  # nothing unknown
            # Σ sign·x = 0  →  x_i = −sign_i · Σ_{j≠i} sign_j·x_j
            for cid, sign in terms:
                lo_sum = hi_sum = 0.0
                for other, s2 in terms:
                    if other == cid:
                        continue
                    lo, hi = b[other]
                    lo_sum += s2 * (lo if s2 > 0 else hi)
                    hi_sum += s2 * (hi if s2 > 0 else lo)
                lo_x, hi_x = (-hi_sum, -lo_sum) if sign > 0 else (lo_sum, hi_sum)
                old = b[cid]
                new = (max(old[0], lo_x), min(old[1], hi_x))
                if new != old and not (math.isnan(new[0]) or math.isnan(new[1])):
                    b[cid] = new
                    changed = True
        for stat, num, n in p.ratios:
            if stat in hidden or num is None or n is None or num not in b or n not in b:
                continue
            value = p.cells[stat].value
            if value is None or p.cells[stat].kind != fmt.SHARE:
                continue
            lo_n, hi_n = b[n]
            if lo_n == hi_n and b[num][0] != b[num][1]:
                k = float(round(float(value) * lo_n))
                b[num] = (k, k)
                changed = True
    return b


def recover(p: Problem, hidden: dict[CellId, str]) -> list[CellId]:
    """The hidden counts that the bound reasoning pins to one value (none, once decided)."""
    b = bounds_of(p, hidden)
    return sorted(cid for cid, (lo, hi) in b.items() if cid in hidden and lo == hi)


@dataclass
class Decision:
    """The texts of a report's cells: `text(source, key, kind)`."""

    problem: Problem
    hidden: dict[CellId, str]
    localize: bool = True

    def text(self, source: str, key: str, kind: str) -> str:
        cell = self.problem.cells.get((source, key))
        mark = self.hidden.get((source, key))
        if cell is None:
            return fmt.EMPTY
        if mark == fmt.SMALL_N and (cell.n or 0) <= 0:
            return fmt.EMPTY
        if mark:
            return mark
        return fmt.show(cell.value, kind, n=cell.n, suppress=False, localize=self.localize)


def suppressed(sources: list[Source]) -> Decision:
    """Decide, for the whole report at once, which cells are hidden; return their texts."""
    problem = build(sources)
    return Decision(problem, decide(problem))


def is_hidden(text: str) -> bool:
    return text in (fmt.SMALL_COUNT, fmt.SMALL_N, SECONDARY)
