"""REST API of referrals, with the same access rules as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from outreach import audit
from outreach.api import ApiFilterSet, UpdatedSinceFilter
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff
from referrals import access, services
from referrals.models import Referral
from referrals.serializers import (
    ReferralInSerializer,
    ReferralOutSerializer,
    ReferralTriageOutSerializer,
)


class ReferralFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter(
        label="Only referrals changed at or after this moment (ISO 8601), to sync."
    )

    class Meta:
        model = Referral
        fields = ["status", "source"]


@extend_schema_view(
    list=extend_schema(responses=ReferralTriageOutSerializer(many=True)),
    retrieve=extend_schema(responses=ReferralTriageOutSerializer),
    create=extend_schema(
        request=ReferralInSerializer,
        responses={201: ReferralTriageOutSerializer},
        examples=[
            OpenApiExample(
                "A hospital refers a person",
                value={
                    "source": "hospital",
                    "given_name": "Nikola",
                    "reasons": "Discharged without a place to go.",
                    "person_knows": True,
                },
                request_only=True,
            )
        ],
    ),
)
class ReferralViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsVerifiedStaff]
    filterset_class = ReferralFilter

    def get_queryset(self):
        return (
            access.visible_referrals(self.request.user)
            .select_related("criteria_version__municipality")
            .order_by("-received_at", "pk")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ReferralInSerializer
        if access.can_triage(self.request.user):
            return ReferralTriageOutSerializer
        return ReferralOutSerializer

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit.record(action="referral.view", target=referral, origin=Origin.from_request(request))
        return Response(self.get_serializer(referral).data)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit.record(
            action="referral.list",
            origin=Origin.from_request(request),
            detail={"count": response.data.get("count")},
        )
        return response

    def create(self, request, *args, **kwargs):
        user = request.user
        if not access.can_submit(user):
            raise Http404
        serializer = ReferralInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        allowed = access.submit_municipalities(user)
        municipality_id = data.pop("municipality", None)
        if municipality_id is None:
            municipality = allowed.first() if allowed.count() == 1 else None
        else:
            municipality = allowed.filter(pk=municipality_id).first()
        if municipality is None:
            raise Http404
        data = {k: v for k, v in data.items() if k in services.SUBMIT_FIELDS}
        referral = services.referral_submit(
            actor=user, municipality=municipality, origin=Origin.from_request(request), **data
        )
        out = ReferralTriageOutSerializer if access.can_triage(user) else ReferralOutSerializer
        return Response(out(referral).data, status=status.HTTP_201_CREATED)
