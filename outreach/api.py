"""REST API of the core record, with the same access rules as the pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from outreach import access, audit, services
from outreach.models import Client, Contact, Episode
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff
from outreach.serializers import (
    ClientOutSerializer,
    ContactInSerializer,
    ContactOutSerializer,
    EpisodeOutSerializer,
)


def exception_handler(exc, context):
    """Map domain ValidationErrors to 400 responses with their messages."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
class IdFilter(filters.NumberFilter):
    """Filter by a related row's id. The list is already limited to what the user may see, so
    an id of another team's row (or of none) gives an empty list, never an error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class ClientFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows changed at or after this moment (ISO 8601), to sync.",
    )
    team = IdFilter(field_name="team_id")
    tandem = IdFilter(field_name="tandem_id")

    class Meta:
        model = Client
        fields = ["team", "tandem", "sex"]


class EpisodeFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows changed at or after this moment (ISO 8601), to sync.",
    )
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Episode
        fields = ["client"]


class ContactFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows changed at or after this moment (ISO 8601), to sync.",
    )
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Contact
        fields = ["client", "mode", "outcome"]


class AuditedListMixin:
    """A list read writes one audit event per client whose data it returned."""

    list_action = ""
    client_field = "client"

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = (
            response.data.get("results", []) if isinstance(response.data, dict) else response.data
        )
        audit.record_many(
            action=self.list_action,
            client_ids={row[self.client_field] for row in rows},
            origin=Origin.from_request(request),
        )
        return response


class ClientViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet):
    list_action = "client.list"
    client_field = "id"
    serializer_class = ClientOutSerializer
    permission_classes = [IsVerifiedStaff]
    filterset_class = ClientFilter

    def get_queryset(self):
        return access.visible_clients(self.request.user).order_by("family_name", "given_name", "pk")

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        audit.record(action="client.view", target=client, origin=Origin.from_request(request))
        return Response(self.get_serializer(client).data)


class EpisodeViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet):
    list_action = "episode.list"
    serializer_class = EpisodeOutSerializer
    permission_classes = [IsVerifiedStaff]
    filterset_class = EpisodeFilter

    def get_queryset(self):
        return access.scoped(Episode.objects.all(), self.request.user, via="client").order_by(
            "-started_on", "pk"
        )

    def retrieve(self, request, *args, **kwargs):
        episode = self.get_object()
        audit.record(
            action="episode.view",
            target=episode,
            client=episode.client,
            origin=Origin.from_request(request),
        )
        return Response(self.get_serializer(episode).data)


class ContactCursorPagination(CursorPagination):
    """Contacts are the largest list: stable pages by a cursor, newest first, no COUNT."""

    ordering = ("-started_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ContactViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    list_action = "contact.list"
    permission_classes = [IsVerifiedStaff]
    filterset_class = ContactFilter
    pagination_class = ContactCursorPagination

    def get_queryset(self):
        return (
            access.scoped(Contact.objects.all(), self.request.user, via="client")
            .select_related("client")
            .prefetch_related("staff", "interventions")
            .order_by("-started_at", "pk")
        )

    def get_serializer_class(self):
        return ContactInSerializer if self.action == "create" else ContactOutSerializer

    def retrieve(self, request, *args, **kwargs):
        contact = self.get_object()
        audit.record(
            action="contact.view",
            target=contact,
            client=contact.client,
            origin=Origin.from_request(request),
        )
        return Response(ContactOutSerializer(contact).data)

    def create(self, request, *args, **kwargs):
        # The client first: its team is who may be staff, and another team's client is a 404
        # whatever else the request holds.
        client = self._client_to_log_for(request)
        serializer = ContactInSerializer(
            data=request.data, context={"team": client.team_id if client else None}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("client")
        contact = services.contact_log(
            client=client, author=request.user, origin=Origin.from_request(request), **data
        )
        return Response(ContactOutSerializer(contact).data, status=status.HTTP_201_CREATED)

    def _client_to_log_for(self, request) -> Client | None:
        """The visible client the request names; None if it names none (the serializer says so)."""
        raw = request.data.get("client") if hasattr(request.data, "get") else None
        try:
            pk = serializers.IntegerField().run_validation(raw)
        except ValidationError:
            return None
        try:
            return access.visible_clients(request.user).get(pk=pk)
        except Client.DoesNotExist as exc:
            raise Http404 from exc
