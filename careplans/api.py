"""REST API of care plans, with the same access rules as the pages; a stale save is a 409."""

from __future__ import annotations

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from careplans import access as plan_access
from careplans import selectors, services
from careplans.models import CarePlan, Contributor, LifeDomain
from outreach import audit
from outreach.api import AuditedListMixin, IsVerifiedStaff
from outreach.origin import Origin


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


class CarePlanInSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    what_matters = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    diagnosis = serializers.CharField(required=False, allow_blank=True, max_length=200)
    domains = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    contributors = serializers.ListField(
        child=serializers.ChoiceField(choices=Contributor.choices), required=False
    )
    contributors_detail = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate_domains(self, value):
        unknown = set(value) - set(LifeDomain.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown life domains: {sorted(unknown)}")
        return value


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
