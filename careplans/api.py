"""REST API of care plans, with the same access rules as the pages; a stale save is a 409."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from careplans import access as plan_access
from careplans import selectors, services
from careplans.models import CarePlan, Contributor, LifeDomain
from outreach import audit
from outreach.api import AuditedListMixin, IsVerifiedStaff
from outreach.origin import Origin
from outreach.schema import NO_NUL, ErrorSerializer


class CarePlanOutSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="episode.client_id", read_only=True)

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "episode",
            "client",
            "version",
            "what_matters",
            "strengths",
            "diagnosis",
            "domains",
            "contributors",
            "contributors_detail",
            "snapshot",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "object",
        "description": "Text per life domain; only the domains named here change.",
        "properties": {d: {"type": "string", "pattern": NO_NUL} for d in LifeDomain.values},
        "additionalProperties": False,
    }
)
class DomainsField(serializers.DictField):
    child = serializers.CharField(allow_blank=True)


class CarePlanInSerializer(serializers.Serializer):
    """A change of the plan: the `version` read, and the fields to change (others are kept)."""

    # The whole body is validated (a PATCH that names no version is refused): see ApiAutoSchema.
    partial_patch = False

    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you read; if the plan changed since, the answer is 409.",
    )
    what_matters = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    diagnosis = serializers.CharField(required=False, allow_blank=True, max_length=200)
    domains = DomainsField(required=False)
    contributors = serializers.ListField(
        child=serializers.ChoiceField(choices=Contributor.choices), required=False
    )
    contributors_detail = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate_domains(self, value):
        unknown = set(value) - set(LifeDomain.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown life domains: {sorted(unknown)}")
        return value


class CarePlanConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = CarePlanOutSerializer(help_text="The plan as it is now, to merge your change into.")


@extend_schema_view(
    partial_update=extend_schema(
        request=CarePlanInSerializer,
        responses={
            200: CarePlanOutSerializer,
            403: OpenApiResponse(
                ErrorSerializer, description="Only the client's tandem and supervisor edit."
            ),
            409: OpenApiResponse(
                CarePlanConflictSerializer,
                description="The plan was changed since you read it (stale `version`).",
            ),
        },
        examples=[
            OpenApiExample(
                "Change what matters",
                value={"version": 3, "what_matters": "A room of my own."},
                request_only=True,
            ),
        ],
    )
)
class CarePlanViewSet(AuditedListMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    list_action = "careplan.list"
    permission_classes = [IsVerifiedStaff]
    serializer_class = CarePlanOutSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.careplan_list(user=self.request.user).order_by("pk")

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        audit.record(
            action="careplan.view",
            target=plan,
            client=plan.client,
            origin=Origin.from_request(request),
        )
        return Response(CarePlanOutSerializer(plan).data)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        data = CarePlanInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        if not plan_access.can_edit_plan(request.user, plan):
            return Response(
                {"detail": "Only the client's tandem and supervisor edit the plan."},
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            plan = services.careplan_update(
                careplan=plan,
                author=request.user,
                expected_version=version,
                origin=Origin.from_request(request),
                **fields,
            )
        except services.CarePlanConflict as exc:
            return Response(
                {
                    "detail": "The plan was changed since you read it.",
                    "current": CarePlanOutSerializer(exc.current).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(CarePlanOutSerializer(plan).data)
