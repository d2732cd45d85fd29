"""My work: one list of what needs a worker or their tandem, built from a registry of sources.

A source is a function `(scope) -> Iterable[WorkItem]` registered with `@work_source(...)`. It
asks the selector of the app that owns the rule (careplans, the case record, the core record)
and turns its rows into items: the rule that says what is due lives once, in that selector,
and the supervisor's caseload review asks the same one. A new kind of item is one more
registered function (see `indicators.mywork.sources`); nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from outreach.models import Client, User

# "This week" is today and the next seven days; a source lists dated tasks due up to then.
WEEK_DAYS = 7

# The groups of the list, in the order they show.
GROUPS: dict[str, str] = {
    "overdue": _("Overdue"),
    "today": _("Today"),
    "week": _("This week"),
    "later": _("Later"),
}


@dataclass(frozen=True)
class WorkItem:
    """One thing to do for one client, with the page where it is done."""

    kind: str
    client: Client
    title: str
    url: str
    due_on: date | None = None  # None: to do now (a plan waiting for a signature)
    overdue: bool = False
    detail: str = ""
    urgent: bool = False  # to start today even if due later (the 72-hour discharge follow-up)
    # Other things done with the item, as (label, url): a planned visit is changed or cancelled.
    actions: tuple[tuple[str, str], ...] = ()

    def group(self, today: date) -> str:
        """Overdue; today (urgent, due today, or past its date but not overdue yet); this
        week; later."""
        if self.overdue:
            return "overdue"
        if self.urgent or self.due_on is None or self.due_on <= today:
            return "today"
        if self.due_on <= today + timedelta(days=WEEK_DAYS):
            return "week"
        return "later"


@dataclass(frozen=True)
class WorkScope:
    """Whose work the list shows: a worker's tandems, or the tandem a supervisor picked.

    `clients` are the tandems' clients in care or in engagement that the user may open;
    `members` are the staff whose own tasks count (both members of the tandems); `signers`
    are those whose signature is asked for (a worker: only themselves).
    """

    user: User
    today: date
    clients: QuerySet[Client]
    members: frozenset[int]
    signers: frozenset[int]

    @property
    def until(self) -> date:
        return self.today + timedelta(days=WEEK_DAYS)


Collect = Callable[[WorkScope], Iterable[WorkItem]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    collect: Collect


SOURCES: dict[str, Source] = {}


def work_source(kind: str, label: str) -> Callable[[Collect], Collect]:
    """Register a source of items of `kind` (its label names the kind on the page)."""

    def register(collect: Collect) -> Collect:
        if kind in SOURCES and SOURCES[kind].collect is not collect:
            raise ValueError(f"Two sources of My work items are registered as {kind!r}.")
        SOURCES[kind] = Source(kind=kind, label=label, collect=collect)
        return collect

    return register
