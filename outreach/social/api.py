"""REST API of the living situation, carers and costs: the same access rules as the pages.

List and read start from the access querysets (another team's row is a 404) and audit; create
finds the client among the visible ones first (else 404), validates, and calls the service.
"""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from outreach import access, audit
from outreach.api import AuditedListMixin, IdFilter
from outreach.models import Carer, CarerNeedsReview, Client, LivingStatus, Spending
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff
from outreach.social import services
from outreach.social.serializers import (
    CarerInSerializer,
    CarerOutSerializer,
    CarerReviewInSerializer,
    CarerReviewOutSerializer,
    LivingStatusInSerializer,
    LivingStatusOutSerializer,
    SpendingInSerializer,
    SpendingOutSerializer,
)


def client_named_in(request, field: str = "client") -> Client | None:
    """The visible client the request body names; None if it names none (the serializer says
    so); 404 for a client the user may not open."""
    raw = request.data.get(field) if hasattr(request.data, "get") else None
    try:
        pk = serializers.IntegerField().run_validation(raw)
    except ValidationError:
        return None
    try:
        return access.visible_clients(request.user).get(pk=pk)
    except Client.DoesNotExist as exc:
        raise Http404 from exc


class ClientRecordViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, read and create rows of one client's record; subclasses name the model and service."""

    permission_classes = [IsVerifiedStaff]
    out_serializer = None
    in_serializer = None
    view_action = ""
    via = "client"

    def get_serializer_class(self):
        return self.in_serializer if self.action == "create" else self.out_serializer

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        audit.record(
            action=self.view_action,
            target=obj,
            client=self.client_of(obj),
            origin=Origin.from_request(request),
        )
        return Response(self.out_serializer(obj).data)

    def client_of(self, obj) -> Client:
        return obj.client

    def create(self, request, *args, **kwargs):
        client = client_named_in(request)
        serializer = self.in_serializer(data=request.data, context={"client": client})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("client", None)
        obj = self.perform_service(client, data, Origin.from_request(request))
        return Response(self.out_serializer(obj).data, status=status.HTTP_201_CREATED)

    def perform_service(self, client, data, origin):  # pragma: no cover - abstract
        raise NotImplementedError


class LivingStatusFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = LivingStatus
        fields = ["client", "domain"]


class LivingStatusViewSet(ClientRecordViewSet):
    list_action = "livingstatus.list"
    view_action = "livingstatus.view"
    filterset_class = LivingStatusFilter
    out_serializer = LivingStatusOutSerializer
    in_serializer = LivingStatusInSerializer

    def get_queryset(self):
        return access.scoped(LivingStatus.objects.all(), self.request.user, via="client").order_by(
            "client", "domain", "-since", "-pk"
        )

    def perform_service(self, client, data, origin):
        return services.living_status_record(
            client=client, actor=self.request.user, origin=origin, **data
        )


class CarerFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Carer
        fields = ["client"]


class CarerViewSet(ClientRecordViewSet):
    list_action = "carer.list"
    view_action = "carer.view"
    filterset_class = CarerFilter
    out_serializer = CarerOutSerializer
    in_serializer = CarerInSerializer

    def get_queryset(self):
        return (
            access.scoped(Carer.objects.all(), self.request.user, via="client")
            .select_related("support_person")
            .order_by("client", "pk")
        )

    def perform_service(self, client, data, origin):
        return services.carer_save(
            client=client, actor=self.request.user, carer=Carer(**data), origin=origin
        )


class CarerReviewViewSet(ClientRecordViewSet):
    list_action = "carerneedsreview.list"
    view_action = "carerneedsreview.view"
    out_serializer = CarerReviewOutSerializer
    in_serializer = CarerReviewInSerializer

    def get_queryset(self):
        qs = access.scoped(
            CarerNeedsReview.objects.all(), self.request.user, via="carer__client"
        ).select_related("carer")
        carer = self.request.query_params.get("carer")
        if carer and carer.isdigit():
            qs = qs.filter(carer_id=int(carer))
        return qs.order_by("-reviewed_on", "-pk")

    def client_of(self, obj) -> Client:
        return obj.carer.client

    def create(self, request, *args, **kwargs):
        serializer = CarerReviewInSerializer(data=request.data)
        raw = request.data.get("carer") if hasattr(request.data, "get") else None
        carer = None
        if raw is not None and str(raw).isdigit():
            carer = (
                access.scoped(Carer.objects.all(), request.user, via="client")
                .select_related("client", "support_person")
                .filter(pk=int(raw))
                .first()
            )
            if carer is None:
                raise Http404
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("carer")
        review = services.carer_review_record(
            carer=carer, actor=request.user, origin=Origin.from_request(request), **data
        )
        return Response(CarerReviewOutSerializer(review).data, status=status.HTTP_201_CREATED)


class SpendingFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Spending
        fields = ["client", "purpose"]


class SpendingViewSet(ClientRecordViewSet):
    list_action = "spending.list"
    view_action = "spending.view"
    filterset_class = SpendingFilter
    out_serializer = SpendingOutSerializer
    in_serializer = SpendingInSerializer

    def get_queryset(self):
        return access.scoped(Spending.objects.all(), self.request.user, via="client").order_by(
            "-spent_on", "-pk"
        )

    def perform_service(self, client, data, origin):
        return services.spending_record(
            client=client, actor=self.request.user, spending=Spending(**data), origin=origin
        )
