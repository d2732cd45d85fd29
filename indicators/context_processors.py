"""Templates ask `indicators.access` through `indicators_access` (see outreach.context_processors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indicators import access
from outreach.context_processors import Questions, ask

if TYPE_CHECKING:
    from django.http import HttpRequest


class IndicatorQuestions(Questions):
    """What templates ask about figures: the menu's Caseload review, Reports and Figures."""

    can_review_caseload = ask(access.can_review_caseload)
    sees_figures = ask(access.sees_figures)


def indicators_access(request: HttpRequest) -> dict[str, Questions]:
    """Give templates `indicators_access`, the figure questions about the signed-in user."""
    return {"indicators_access": IndicatorQuestions(getattr(request, "user", None))}
