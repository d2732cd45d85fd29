"""The counts of My work on the menu, read from the cache so that a page pays no query.

The My work page (and the count fragment the menu loads when the cache has nothing) computes
the list and stores its counts with the current *generation*. Every successful write request
moves the generation on (`WorkChangeMiddleware`), so a count computed before a change is never
shown after it; writes outside a request (an import, a task) show within `COUNT_TTL`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone

if TYPE_CHECKING:
    from outreach.models import User

GENERATION_KEY = "mywork:generation"
COUNT_TTL = 600


@dataclass(frozen=True)
class MenuCount:
    total: int
    overdue: int


def _count_key(user: User) -> str:
    return f"mywork:count:{user.pk}:{timezone.localdate().isoformat()}"


def changed() -> None:
    """Say that records changed: counts stored before now are stale."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def cached(user: User) -> MenuCount | None:
    """The user's counts stored since the last change, or None (one cache read, no query)."""
    values = cache.get_many([GENERATION_KEY, _count_key(user)])
    stored = values.get(_count_key(user))
    if stored is None or stored[0] != values.get(GENERATION_KEY):
        return None
    return MenuCount(total=stored[1], overdue=stored[2])


def generation() -> int | None:
    """The current generation, read before computing the counts to store."""
    return cache.get(GENERATION_KEY)


def store(user: User, *, generation: int | None, total: int, overdue: int) -> MenuCount:
    """Keep the user's counts, computed at `generation`."""
    cache.set(_count_key(user), (generation, total, overdue), timeout=COUNT_TTL)
    return MenuCount(total=total, overdue=overdue)
