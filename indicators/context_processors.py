"""Templates ask `indicators.access` through `indicators_access` (see outreach.context_processors)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from indicators import access
from indicators.mywork import menu
from outreach.context_processors import Questions, ask

if TYPE_CHECKING:
    from django.http import HttpRequest


class IndicatorQuestions(Questions):
    """What templates ask about figures: the menu's Caseload review, Reports and Figures."""

    can_review_caseload = ask(access.can_review_caseload)
    sees_figures = ask(access.sees_figures)
    has_my_work = ask(access.has_my_work)


def indicators_access(request: HttpRequest) -> dict[str, Questions]:
    """Give templates `indicators_access`, the figure questions about the signed-in user."""
    return {"indicators_access": IndicatorQuestions(getattr(request, "user", None))}


class MyWorkMenu:
    """The menu's counts of My work, read from the cache when a template first asks."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def counts(self) -> menu.MenuCount | None:
        """The counts, or None when they must be loaded (the menu then fetches them)."""
        if not access.has_my_work(self.user):
            return None
        return menu.cached(self.user)


def my_work_menu(request: HttpRequest) -> dict[str, MyWorkMenu]:
    """Give templates `my_work_menu`: the counts of My work without a database query."""
    return {"my_work_menu": MyWorkMenu(getattr(request, "user", None))}
