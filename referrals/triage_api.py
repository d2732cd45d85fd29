"""API of referral screening and decisions, on the triage pages' forms, services and access.

POST /referrals/{id}/screen/ (the eligibility checklist), …/rescore/ (under the current criteria
version) and …/decide/ (accept, waiting list, decline, withdrawn) for the coordinators and
supervisors who triage the referral; anyone else gets 404, as on the pages.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from outreach import audit
from outreach.api_records import form_data, form_serializer, request_object, valid_form
from outreach.models import Tandem, Team
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff
from referrals import access, selectors, services
from referrals.forms import DecisionForm, ScreeningForm
from referrals.serializers import ReferralTriageOutSerializer


class ScreeningIn(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Criterion code → answer, for the municipality's current criteria version.",
    )


class ReferralTriageViewSet(viewsets.GenericViewSet):
    """Screen, re-score and decide a referral (coordinators and supervisors in their scope)."""

    permission_classes = [IsVerifiedStaff]
    serializer_class = ReferralTriageOutSerializer

    def get_queryset(self):
        return access.triage_referrals(self.request.user).select_related(
            "municipality", "team", "client", "submitted_by", "decided_by", "criteria_version"
        )

    def _referral(self, action_name: str):
        referral = self.get_object()
        audit.record(action=action_name, target=referral, origin=Origin.from_request(self.request))
        return referral

    def _answer(self, referral) -> Response:
        return Response(ReferralTriageOutSerializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(request=ScreeningIn, responses={200: ReferralTriageOutSerializer})
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        referral = self._referral("referral.view")
        version = services.current_criteria(referral.municipality)
        criteria = list(version.criteria.all())
        answers = request_object(request).get("answers", {})
        if not isinstance(answers, dict):
            raise serializers.ValidationError({"answers": ["Send an object: code → answer."]})
        form = valid_form(ScreeningForm(answers, criteria=criteria))
        services.referral_screen(
            referral=referral,
            actor=request.user,
            answers=form.answers(),
            origin=Origin.from_request(request),
        )
        return self._answer(referral)

    @extend_schema(request=None, responses={200: ReferralTriageOutSerializer})
    @action(detail=True, methods=["post"])
    def rescore(self, request, pk=None):
        referral = self._referral("referral.view")
        services.referral_rescore(
            referral=referral, actor=request.user, origin=Origin.from_request(request)
        )
        return self._answer(referral)

    @extend_schema(
        request=form_serializer(DecisionForm, "ReferralDecisionRequest"),
        responses={200: ReferralTriageOutSerializer},
        description=(
            "Accept (client: 'new' or the id of a possible duplicate the teams know), put on "
            "the waiting list, decline (with the reason the referrer sees) or mark withdrawn."
        ),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        referral = self._referral("referral.view")
        if not referral.is_open:
            raise serializers.ValidationError(
                {"non_field_errors": ["This referral has already been decided."]}
            )
        teams = Team.objects.filter(municipality=referral.municipality)
        tandems = Tandem.objects.filter(team__in=teams, ended_on__isnull=True)
        origin = Origin.from_request(request)
        # As on the page: the teams of clients added since are asked, and each client the
        # decision is checked against has the probe on their own trail.
        services.duplicate_checks_open(referral=referral, actor=request.user, origin=origin)
        matches = selectors.duplicate_matches(user=request.user, referral=referral)
        candidates = matches.candidates
        audit.record_many(
            action="referral.duplicates_view",
            target=referral,
            client_ids=[c.pk for c in candidates],
            origin=origin,
            detail={"shown": False},
        )
        audit.record_many(
            action="referral.duplicates_view",
            target=referral,
            client_ids=list(matches.hidden_ids),
            origin=origin,
            detail={"shown": False},
        )
        form = valid_form(
            DecisionForm(
                form_data(DecisionForm, request_object(request)),
                teams=teams,
                tandems=tandems,
                candidates=candidates,
            )
        )
        data = form.cleaned_data
        common = {
            "referral": referral,
            "actor": request.user,
            "decided_at": data["decided_at"],
            "origin": origin,
        }
        with transaction.atomic():
            if data["decision"] == DecisionForm.ACCEPT:
                referral = services.referral_accept(
                    team=data["team"],
                    tandem=data["tandem"],
                    link_client=form.linked_client(),
                    new_client=data.get("client") == "new",
                    reason=data["reason"],
                    **common,
                )
            elif data["decision"] == DecisionForm.WAITLIST:
                referral = services.referral_waitlist(
                    team=data["team"], reason=data["reason"], **common
                )
            elif data["decision"] == DecisionForm.DECLINE:
                referral = services.referral_decline(reason=data["reason"], **common)
            else:
                referral = services.referral_withdraw(reason=data["reason"], **common)
        return self._answer(referral)
