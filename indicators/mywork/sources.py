"""The kinds of items on My work: each asks the one selector that holds its rule.

Importing this module registers the sources (`indicators.mywork.selectors` does). A source
returns the items of its kind for a scope; the list groups them by date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careplans.assessments.selectors import assessments_due
from careplans.selectors import actions_due, plans_awaiting_signature, reviews_due
from indicators.mywork.registry import WorkItem, WorkScope, work_source
from outreach import access
from outreach import selectors as core
from outreach.caserecord import selectors as caserecord
from outreach.safeguarding import selectors as safeguarding
from outreach.social import selectors as social
from outreach.visits import selectors as visits


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _name(user) -> str:
    return user.get_full_name() or user.username


@work_source("signature", gettext_lazy("Plans to sign"))
def signatures(scope: WorkScope) -> Iterator[WorkItem]:
    for row in plans_awaiting_signature(
        user=scope.user, signers=set(scope.signers), clients=scope.clients
    ):
        plan = row.plan
        yield WorkItem(
            kind="signature",
            client=plan.client,
            title=_("Sign off the plan, version %(v)d") % {"v": plan.version},
            url=reverse("careplans:careplan-detail", args=[plan.pk]) + "#sign-h",
            # On a worker's own list the missing signature is theirs: no need to say whose.
            detail=""
            if scope.signers == {scope.user.pk}
            else _("Waiting for: %(names)s") % {"names": ", ".join(map(_name, row.missing))},
        )


@work_source("review", gettext_lazy("Plan reviews"))
def reviews(scope: WorkScope) -> Iterator[WorkItem]:
    for row in reviews_due(user=scope.user, today=scope.today, clients=scope.clients):
        yield WorkItem(
            kind="review",
            client=row.client,
            title=row.next.label,
            url=reverse("careplans:client-plan", args=[row.client.pk]),
            due_on=row.next.due_on,
            overdue=row.next.overdue,
        )


@work_source("assessment", gettext_lazy("Assessments"))
def assessments(scope: WorkScope) -> Iterator[WorkItem]:
    for due in assessments_due(user=scope.user, today=scope.today, clients=scope.clients):
        yield WorkItem(
            kind="assessment",
            client=due.client,
            title=f"{due.instrument.code.upper()} · {due.timepoint_label}",
            url=reverse("careplans:assessment-create", args=[due.client.pk])
            + f"?instrument={due.instrument.code}",
            due_on=due.due_on,
            overdue=due.overdue,
        )


@work_source("debrief", gettext_lazy("Debriefs"))
def debriefs(scope: WorkScope) -> Iterator[WorkItem]:
    for measure in caserecord.debriefs_pending(user=scope.user, clients=scope.clients):
        yield WorkItem(
            kind="debrief",
            client=measure.client,
            title=_("Debrief after %(kind)s") % {"kind": measure.get_kind_display().lower()},
            url=reverse("outreach:debrief-update", args=[measure.client_id, measure.pk]),
            due_on=measure.debrief_due_on,
            overdue=measure.debrief_overdue(scope.today),
        )


@work_source("action", gettext_lazy("Plan actions"))
def plan_actions(scope: WorkScope) -> Iterator[WorkItem]:
    for action in actions_due(user=scope.user, staff=set(scope.members), until=scope.until):
        plan = action.goal.careplan
        yield WorkItem(
            kind="action",
            client=plan.episode.client,
            title=action.what,
            url=reverse("careplans:careplan-detail", args=[plan.pk]) + "#goals-h",
            due_on=action.due_on,
            overdue=action.due_on < scope.today,
            detail=_("Who: %(who)s") % {"who": action.who_label()},
        )


@work_source("followup", gettext_lazy("Case-conference follow-ups"))
def followups(scope: WorkScope) -> Iterator[WorkItem]:
    for f in caserecord.followups_open(
        user=scope.user, owners=set(scope.members), clients=scope.clients, until=scope.until
    ):
        conference = f.conference
        yield WorkItem(
            kind="followup",
            client=conference.client,
            title=f.action,
            url=reverse("outreach:client-detail", args=[conference.client_id]),
            due_on=f.due_on,
            overdue=f.due_on < scope.today,
            detail=_("Owner: %(owner)s · case conference of %(day)s")
            % {"owner": f.owner, "day": _day(conference.held_on)},
        )


@work_source("request", gettext_lazy("Agency requests to chase"))
def requests(scope: WorkScope) -> Iterator[WorkItem]:
    for req in caserecord.agency_requests_open(
        user=scope.user, clients=scope.clients, today=scope.today
    ):
        yield WorkItem(
            kind="request",
            client=req.client,
            title=_("Chase the request to %(agency)s") % {"agency": req.agency},
            url=reverse("outreach:agencyrequest-respond", args=[req.client_id, req.pk]),
            due_on=req.sent_on + timedelta(days=caserecord.AGENCY_REQUEST_OPEN_DAYS),
            overdue=True,
            detail=_("No response for %(days)d days") % {"days": (scope.today - req.sent_on).days},
        )


@work_source("not_seen", gettext_lazy("Clients to see"))
def not_seen(scope: WorkScope) -> Iterator[WorkItem]:
    clients = core.caseload_list(user=scope.user).filter(pk__in=scope.clients.values("pk"))
    for client in clients:
        seen = core.visit_flag(client, scope.today)
        if not seen.needs_visit:
            continue
        if seen.days is not None:
            title = _("Not seen for %(days)d days") % {"days": seen.days}
        elif seen.unseen_days is not None:
            title = _("Not seen since acceptance %(days)d days ago") % {"days": seen.unseen_days}
        else:
            title = _("Never seen")
        yield WorkItem(
            kind="not_seen",
            client=client,
            title=title,
            url=reverse("outreach:contact-create", args=[client.pk]),
            due_on=seen.visit_due_on,
            overdue=True,
        )


@work_source("discharge", gettext_lazy("Follow-up after hospital discharge"))
def discharges(scope: WorkScope) -> Iterator[WorkItem]:
    for f in caserecord.discharge_followups_due(
        user=scope.user, clients=scope.clients, today=scope.today
    ):
        if f.overdue:
            detail = _("More than 7 days: overdue")
        elif f.late:
            detail = _("The 72 hours have passed")
        else:
            detail = _("Within 72 hours")
        yield WorkItem(
            kind="discharge",
            client=f.client,
            title=_("Follow up: discharged from hospital %(days)s")
            % {"days": _day(f.discharged_on)},
            url=reverse("outreach:contact-create", args=[f.client.pk]),
            due_on=f.due_on,
            overdue=f.overdue,
            detail=detail,
            urgent=True,
        )


@work_source("visit", gettext_lazy("Planned visits"))
def planned_visits(scope: WorkScope) -> Iterator[WorkItem]:
    """Visits planned for the tandems' clients up to the end of the week, not yet logged."""
    for visit in visits.visits_open(user=scope.user, clients=scope.clients, until=scope.until):
        who = ", ".join(_name(u) for u in visit.staff.all())
        when = visit.planned_time.strftime("%H:%M") + " · " if visit.planned_time else ""
        yield WorkItem(
            kind="visit",
            client=visit.client,
            title=_("Visit: %(purpose)s") % {"purpose": visit.purpose},
            url=reverse("outreach:visit-contact", args=[visit.pk]),
            due_on=visit.planned_on,
            overdue=visit.planned_on < scope.today,
            detail=f"{when}{_('Who: %(who)s') % {'who': who}}",
            actions=(
                (_("Change"), reverse("outreach:visit-edit", args=[visit.pk])),
                (_("Missed"), reverse("outreach:visit-missed", args=[visit.pk])),
                (_("Cancel"), reverse("outreach:visit-cancel", args=[visit.pk])),
            ),
        )


@work_source("carer_review", gettext_lazy("Carers' needs reviews"))
def carer_reviews(scope: WorkScope) -> Iterator[WorkItem]:
    """A carer's needs review: first within a month of recording the carer, then yearly."""
    for due in social.carer_reviews_due(
        user=scope.user, clients=scope.clients, until=scope.until, today=scope.today
    ):
        yield WorkItem(
            kind="carer_review",
            client=due.client,
            title=_("Review the needs of the carer %(name)s")
            % {"name": due.carer.support_person.name},
            url=reverse("outreach:carerreview-create", args=[due.client.pk, due.carer.pk]),
            due_on=due.due_on,
            overdue=due.overdue,
            detail=_("Last reviewed %(day)s") % {"day": _day(due.last_review)}
            if due.last_review
            else _("Never reviewed"),
        )


@work_source("emergency_review", gettext_lazy("Emergency access to review"))
def emergency_reviews(scope: WorkScope) -> Iterator[WorkItem]:
    """Uses of break-the-glass on the supervisor's teams' clients that wait for their review."""
    if not access.sees_emergency_reviews(scope.user):
        return
    grants = (
        access.emergency_reviews(scope.user)
        .pending_review()
        .select_related("user", "client")
        .order_by("granted_at")
    )
    for grant in grants:
        yield WorkItem(
            kind="emergency_review",
            client=grant.client,
            title=_("Review the emergency access by %(name)s") % {"name": _name(grant.user)},
            url=reverse("outreach:emergency-review", args=[grant.pk]),
            detail=_("Opened %(when)s")
            % {
                "when": formats.date_format(
                    timezone.localtime(grant.granted_at), "SHORT_DATETIME_FORMAT"
                )
            },
            urgent=True,
        )


@work_source("risk_review", gettext_lazy("Risk reviews"))
def risk_reviews(scope: WorkScope) -> Iterator[WorkItem]:
    """Risk reviews due: months 0, 3, 6, 9 of the episode and after a crisis or an admission."""
    for row in safeguarding.risk_reviews_due(
        user=scope.user, today=scope.today, clients=scope.clients
    ):
        yield WorkItem(
            kind="risk_review",
            client=row.client,
            title=row.next.label,
            url=reverse("outreach:risk-create", args=[row.client.pk]),
            due_on=row.next.due_on,
            overdue=row.next.overdue,
        )


@work_source("complaint", gettext_lazy("Open complaints"))
def complaints(scope: WorkScope) -> Iterator[WorkItem]:
    """Complaints of the tandems' clients not closed yet, on the supervisor's list."""
    if not access.sees_open_complaints(scope.user):
        return
    for c in safeguarding.complaints_open(user=scope.user, clients=scope.clients):
        yield WorkItem(
            kind="complaint",
            client=c.client,
            title=_("Complaint received %(day)s: %(about)s")
            % {"day": _day(c.received_on), "about": c.about},
            url=reverse("outreach:complaint-update", args=[c.client_id, c.pk]),
            detail=_("Response recorded") if c.response else _("No response yet"),
        )
