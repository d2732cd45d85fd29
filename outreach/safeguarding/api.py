"""REST API of risk, decisions, guardianship, complaints and training: the pages' access rules.

The pattern of `outreach.api`: list and read through the access querysets (another team's row
is a 404), one audit row per client a list returned, create through the service.
"""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from outreach import access, audit
from outreach.api import AuditedListMixin, IdFilter
from outreach.models import (
    Client,
    Complaint,
    GuardianshipStatus,
    RiskAssessment,
    SupervisionSession,
    SupportedDecision,
    Team,
    Training,
)
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff
from outreach.safeguarding import services
from outreach.safeguarding.serializers import (
    ComplaintInSerializer,
    ComplaintOutSerializer,
    GuardianshipInSerializer,
    GuardianshipOutSerializer,
    RiskAssessmentInSerializer,
    RiskAssessmentOutSerializer,
    SupervisionSessionInSerializer,
    SupervisionSessionOutSerializer,
    SupportedDecisionInSerializer,
    SupportedDecisionOutSerializer,
    TrainingInSerializer,
    TrainingOutSerializer,
)


def writable_client_of(request) -> Client | None:
    """The client a create names, if the user may write their record; 404 for any other id."""
    raw = request.data.get("client") if hasattr(request.data, "get") else None
    try:
        pk = serializers.IntegerField().run_validation(raw)
    except ValidationError:
        return None
    client = access.visible_clients(request.user).select_related("team").filter(pk=pk).first()
    if client is None or not access.can_write_record(request.user, client):
        raise Http404
    return client


class ClientRowFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")


class RiskAssessmentFilter(ClientRowFilter):
    class Meta:
        model = RiskAssessment
        fields = ["client", "reason"]


class RiskAssessmentViewSet(
    AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Versions of clients' risk assessments; a create writes a new version."""

    list_action = "riskassessment.list"
    permission_classes = [IsVerifiedStaff]
    filterset_class = RiskAssessmentFilter

    def get_queryset(self):
        return (
            access.scoped(RiskAssessment.objects.all(), self.request.user, via="client")
            .prefetch_related("domains")
            .order_by("client_id", "-version")
        )

    def get_serializer_class(self):
        return (
            RiskAssessmentInSerializer if self.action == "create" else RiskAssessmentOutSerializer
        )

    def retrieve(self, request, *args, **kwargs):
        assessment = self.get_object()
        audit.record(
            action="riskassessment.view",
            target=assessment,
            client_id=assessment.client_id,
            origin=Origin.from_request(request),
        )
        return Response(RiskAssessmentOutSerializer(assessment).data)

    def create(self, request, *args, **kwargs):
        client = writable_client_of(request)
        serializer = RiskAssessmentInSerializer(data=request.data, context={"client": client})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("client")
        domains = {d.pop("domain"): d for d in data.pop("domains")}
        assessment = services.risk_assessment_record(
            client=client,
            actor=request.user,
            assessment=RiskAssessment(**data),
            domains=domains,
            origin=Origin.from_request(request),
        )
        assessment = RiskAssessment.objects.prefetch_related("domains").get(pk=assessment.pk)
        return Response(
            RiskAssessmentOutSerializer(assessment).data, status=status.HTTP_201_CREATED
        )


class _ClientRowViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, read and create rows of a client's record through one service."""

    permission_classes = [IsVerifiedStaff]
    model = None
    in_serializer = None
    out_serializer = None
    entity = ""
    param = ""
    ordering: tuple[str, ...] = ("-pk",)
    related: tuple[str, ...] = ()

    def get_queryset(self):
        return (
            access.scoped(self.model.objects.all(), self.request.user, via="client")
            .select_related(*self.related)
            .order_by(*self.ordering)
        )

    def get_serializer_class(self):
        return self.in_serializer if self.action == "create" else self.out_serializer

    def retrieve(self, request, *args, **kwargs):
        row = self.get_object()
        audit.record(
            action=f"{self.entity}.view",
            target=row,
            client_id=row.client_id,
            origin=Origin.from_request(request),
        )
        return Response(self.out_serializer(row).data)

    def create(self, request, *args, **kwargs):
        client = writable_client_of(request)
        serializer = self.in_serializer(data=request.data, context={"client": client})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("client")
        row = self.service(
            client=client,
            actor=request.user,
            origin=Origin.from_request(request),
            **{self.param: self.model(**data)},
        )
        return Response(self.out_serializer(row).data, status=status.HTTP_201_CREATED)


class SupportedDecisionFilter(ClientRowFilter):
    class Meta:
        model = SupportedDecision
        fields = ["client", "followed"]


class SupportedDecisionViewSet(_ClientRowViewSet):
    """Decisions clients made with support."""

    list_action = "supporteddecision.list"
    filterset_class = SupportedDecisionFilter
    model = SupportedDecision
    in_serializer = SupportedDecisionInSerializer
    out_serializer = SupportedDecisionOutSerializer
    entity = "supporteddecision"
    param = "decision"
    ordering = ("-decided_on", "-pk")
    service = staticmethod(services.supported_decision_save)


class GuardianshipFilter(ClientRowFilter):
    class Meta:
        model = GuardianshipStatus
        fields = ["client", "status"]


class GuardianshipViewSet(_ClientRowViewSet):
    """Clients' guardianship statuses over time."""

    list_action = "guardianshipstatus.list"
    filterset_class = GuardianshipFilter
    model = GuardianshipStatus
    in_serializer = GuardianshipInSerializer
    out_serializer = GuardianshipOutSerializer
    entity = "guardianshipstatus"
    param = "status"
    ordering = ("-since", "-pk")
    service = staticmethod(services.guardianship_record)


class ComplaintFilter(ClientRowFilter):
    open = filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="open")

    class Meta:
        model = Complaint
        fields = ["client", "about_kind"]


class ComplaintViewSet(_ClientRowViewSet):
    """Clients' complaints; only the team's supervisor gives an outcome and closes one."""

    list_action = "complaint.list"
    filterset_class = ComplaintFilter
    model = Complaint
    in_serializer = ComplaintInSerializer
    out_serializer = ComplaintOutSerializer
    entity = "complaint"
    param = "complaint"
    ordering = ("-received_on", "-pk")
    service = staticmethod(services.complaint_save)


def _recordable_team_of(request) -> Team | None:
    """The team a create names, if the user records its training; 404 for any other id."""
    raw = request.data.get("team") if hasattr(request.data, "get") else None
    try:
        pk = serializers.IntegerField().run_validation(raw)
    except ValidationError:
        return None
    team = access.visible_teams(request.user).filter(pk=pk).first()
    if team is None or not access.can_record_team_training(request.user, team):
        raise Http404
    return team


class _TeamRowViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rows of a team (no client data): the team's staff list, read and create them."""

    permission_classes = [IsVerifiedStaff]
    filterset_fields = ["team", "kind"]

    def get_queryset(self):
        return (
            self.model.objects.filter(team__in=access.visible_teams(self.request.user))
            .prefetch_related("attendees")
            .order_by("-held_on", "-pk")
        )

    def get_serializer_class(self):
        return self.in_serializer if self.action == "create" else self.out_serializer

    def create(self, request, *args, **kwargs):
        team = _recordable_team_of(request)
        serializer = self.in_serializer(data=request.data, context={"team": team})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("team")
        attendees = data.pop("attendees")
        row = self.service(
            team=team,
            actor=request.user,
            attendees=attendees,
            origin=Origin.from_request(request),
            **{self.param: self.model(**data)},
        )
        return Response(self.out_serializer(row).data, status=status.HTTP_201_CREATED)


class TrainingViewSet(_TeamRowViewSet):
    """Trainings of the user's teams' staff."""

    model = Training
    in_serializer = TrainingInSerializer
    out_serializer = TrainingOutSerializer
    param = "training"
    service = staticmethod(services.training_save)


class SupervisionSessionViewSet(_TeamRowViewSet):
    """Supervision sessions of the user's teams."""

    model = SupervisionSession
    in_serializer = SupervisionSessionInSerializer
    out_serializer = SupervisionSessionOutSerializer
    param = "session"
    service = staticmethod(services.supervision_session_save)
