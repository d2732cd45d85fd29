"""Templates ask `referrals.access` through `referrals_access` (see outreach.context_processors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.context_processors import Questions, ask
from referrals import access

if TYPE_CHECKING:
    from django.http import HttpRequest


class ReferralQuestions(Questions):
    """What templates ask about referrals: the menu's Referrals or My referrals."""

    can_triage = ask(access.can_triage)
    can_submit = ask(access.can_submit)


def referrals_access(request: HttpRequest) -> dict[str, Questions]:
    """Give templates `referrals_access`, the referral questions about the signed-in user."""
    return {"referrals_access": ReferralQuestions(getattr(request, "user", None))}
