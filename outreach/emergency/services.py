"""Writes of emergency access: the grant (with the supervisors' notice) and its review."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import access, audit
from outreach.models import Client, EmergencyAccess, ReviewOutcome, User

if TYPE_CHECKING:
    from outreach.origin import Origin

# A reason is at least a sentence: this many characters once spaces are collapsed.
REASON_MIN_CHARS = 20


def clean_reason(reason: str) -> str:
    """Return the reason with its spaces collapsed, or refuse one shorter than a sentence."""
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN_CHARS:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _(
                        "Say in at least %(min)d characters why you need this record now "
                        "(a full sentence)."
                    )
                    % {"min": REASON_MIN_CHARS},
                    code="reason_too_short",
                )
            }
        )
    return text


@transaction.atomic
def emergency_access_grant(
    *, user: User, client: Client, reason: str, origin: Origin
) -> EmergencyAccess:
    """Open another team's client to the user, read-only, for the configured hours; notify."""
    if not access.can_request_emergency_access(user):
        raise PermissionDenied("Only workers and supervisors may use emergency access.")
    if access.visible_clients(user).filter(pk=client.pk).exists():
        raise ValidationError(
            _("This client is of your own team: open the record as usual."), code="own_team"
        )
    text = clean_reason(reason)
    now = timezone.now()
    grant = EmergencyAccess(
        user=user,
        client=client,
        reason=text,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.OUTREACH_EMERGENCY_ACCESS_HOURS),
    )
    grant.full_clean()
    grant.save()
    audit.record(
        action="emergency_access.grant",
        actor=user,
        target=grant,
        client=client,
        origin=origin,
        detail={
            "emergency": True,
            "grant": grant.pk,
            "expires_at": grant.expires_at.isoformat(),
            "hours": settings.OUTREACH_EMERGENCY_ACCESS_HOURS,
        },
    )
    transaction.on_commit(lambda: _notify_supervisors(grant.pk))
    return grant


def _notify_supervisors(grant_pk: int) -> None:
    """Mail the client's team supervisors who have an address (no clinical content)."""
    grant = EmergencyAccess.objects.select_related("user", "client__team").get(pk=grant_pk)
    addresses = sorted(
        {
            u.email
            for u in access.team_workers(grant.client.team_id)
            if u.email and access.sees_emergency_reviews(u)
        }
    )
    if not addresses:
        return
    subject = _("Emergency access to client %(code)s needs your review") % {
        "code": grant.client.code
    }
    body = _(
        "%(user)s used emergency access to client %(code)s of team %(team)s at %(at)s, "
        "until %(until)s.\n\nReason given: %(reason)s\n\nReview it: %(url)s\n"
    ) % {
        "user": grant.user.get_full_name() or grant.user.username,
        "code": grant.client.code,
        "team": grant.client.team.name,
        "at": timezone.localtime(grant.granted_at).strftime("%Y-%m-%d %H:%M"),
        "until": timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M"),
        "reason": grant.reason,
        "url": reverse("outreach:emergency-review", args=[grant.pk]),
    }
    send_mail(subject, body, None, addresses, fail_silently=True)


@transaction.atomic
def emergency_access_review(
    *, grant: EmergencyAccess, reviewer: User, outcome: str, comment: str, origin: Origin
) -> EmergencyAccess:
    """Record the supervisor's review of one use: accepted, or questioned with a comment."""
    grant = EmergencyAccess.objects.select_for_update().select_related("client").get(pk=grant.pk)
    if not access.can_review_emergency_access(reviewer, grant):
        raise PermissionDenied("Only a supervisor of the client's team reviews this use.")
    if grant.reviewed_at is not None:
        raise ValidationError(_("This use has already been reviewed."), code="already_reviewed")
    if outcome not in ReviewOutcome.values:
        raise ValidationError(
            {"outcome": ValidationError(_("Choose accepted or questioned."), code="outcome")}
        )
    comment = (comment or "").strip()
    if outcome == ReviewOutcome.QUESTIONED and not comment:
        raise ValidationError(
            {
                "comment": ValidationError(
                    _("Say what you question about this use."), code="comment_required"
                )
            }
        )
    grant.reviewed_by = reviewer
    grant.reviewed_at = timezone.now()
    grant.outcome = outcome
    grant.review_comment = comment
    grant.full_clean()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "outcome", "review_comment"])
    audit.record(
        action="emergency_access.review",
        actor=reviewer,
        target=grant,
        client=grant.client,
        origin=origin,
        detail={"grant": grant.pk, "outcome": outcome},
    )
    return grant
