"""Templates ask the access modules through these objects, never by comparing `user.role`.

`{% if access.sees_team_caseload %}` calls `outreach.access.sees_team_caseload(request.user)`
the first time a template reads it, and remembers the answer for the rest of the request; a page
that reads none pays nothing. Each feature app has a context processor of its own, built on
`Questions` (`referrals_access`, `indicators_access`), registered by string in settings, so that
`outreach` imports none of them. Questions about one object (a client, a plan) are asked by the
view and passed in its context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.functional import cached_property

from outreach import access

if TYPE_CHECKING:
    from django.http import HttpRequest


class ask:
    """A yes/no question about the signed-in user, asked once, when a template first reads it."""

    def __init__(self, question: Callable[[Any], bool]) -> None:
        self.question = question

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, questions: Questions | None, owner: type | None = None) -> Any:
        if questions is None:
            return self
        answer = bool(self.question(questions.user))
        # A non-data descriptor: the answer in the instance's __dict__ is found first next time.
        questions.__dict__[self.name] = answer
        return answer


class Questions:
    """The user-level questions of one access module, as attributes for templates."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @classmethod
    def names(cls) -> set[str]:
        """Name the questions templates may read."""
        return {
            name
            for klass in cls.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, ask)
        }


class CoreQuestions(Questions):
    """What the core pages ask in templates: the menu, the home page and the client page."""

    works_in_tandem = ask(access.works_in_tandem)
    sees_team_caseload = ask(access.sees_team_caseload)
    can_view_audit_trail = ask(access.can_view_audit_trail)
    can_administer = ask(access.can_administer)
    can_request_emergency_access = ask(access.can_request_emergency_access)
    sees_emergency_reviews = ask(access.sees_emergency_reviews)
    sees_access_report = ask(access.sees_access_report)
    works_offline = ask(access.works_offline)
    plans_visits = ask(access.plans_visits)
    sees_team_costs = ask(access.sees_team_costs)
    manages_agency_directory = ask(access.manages_agency_directory)


class PendingReviews:
    """How many uses of emergency access on the user's teams wait for review (for the menu).

    Counted once, when a template first reads `emergency_pending.count`, and only for users who
    review them.
    """

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        if not access.sees_emergency_reviews(self.user):
            return 0
        return access.emergency_reviews(self.user).pending_review().count()


def core_access(request: HttpRequest) -> dict[str, Any]:
    """Give templates `access`, the core questions about the signed-in user, and the count of
    emergency uses waiting for the user's review."""
    user = getattr(request, "user", None)
    return {"access": CoreQuestions(user), "emergency_pending": PendingReviews(user)}
