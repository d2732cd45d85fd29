"""REST API of the core record, with the same access rules as the pages."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
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


class _GivenIntegerField(forms.IntegerField):
    """An id; a parameter given empty (`?client=`) is an error, not "no filter"."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(_("Give an id, or leave the parameter out."), code="empty")
        return super().clean(value)

    def to_python(self, value):
        # JSON Schema counts 3.0 and 3e0 as the integer 3; so does the API.
        if isinstance(value, str) and value.strip():
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite() and number == number.to_integral_value():
                return int(number)
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**31 - 1})
class IdFilter(filters.NumberFilter):
    """Filter by a related row's id. The list is already limited to what the user may see, so
    an id of another team's row (or of none) gives an empty list, never an error."""

    field_class = _GivenIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class _GivenIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment; a parameter given empty is an error, not "no filter"."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(
                _("Give a moment in ISO 8601 (2026-01-31T08:00:00Z), or leave the parameter out."),
                code="empty",
            )
        moment = super().clean(value)
        if moment is None:
            return None
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows (a 500 before).
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(_("This moment is out of range."), code="range") from exc


class UpdatedSinceFilter(filters.IsoDateTimeFilter):
    """`?updated_since=`: rows changed at or after the moment, for a system that syncs."""

    field_class = _GivenIsoDateTimeField

    def __init__(self, *args, **kwargs):
        if "method" not in kwargs:
            kwargs.setdefault("field_name", "updated_at")
            kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", "Only rows changed at or after this moment (ISO 8601), to sync.")
        super().__init__(*args, **kwargs)


class ApiFilterSet(filters.FilterSet):
    """The API's filters: a related row is named by its id, and the list is already limited
    to what the user may see, so another team's id (or none) gives an empty list, never a 400
    that would tell that the row exists."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if (
            field.is_relation
            and (field.many_to_one or field.one_to_one)
            and (lookup_expr in (None, "exact"))
        ):
            return IdFilter(field_name=field_name)
        if lookup_expr is None:
            return super().filter_for_field(field, field_name)
        return super().filter_for_field(field, field_name, lookup_expr)


class ClientFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter()
    team = IdFilter(field_name="team_id")
    tandem = IdFilter(field_name="tandem_id")

    class Meta:
        model = Client
        fields = ["team", "tandem", "sex"]


class EpisodeFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter()
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Episode
        fields = ["client"]


class ContactFilter(ApiFilterSet):
    updated_since = UpdatedSinceFilter()
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


class StrictCursorPagination(CursorPagination):
    """Cursor pages whose `?page_size=` is an integer or absent: `?page_size=ten` is a 400, not
    a silent page of the default size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                int(raw)
            except ValueError as exc:
                raise ValidationError(
                    {self.page_size_query_param: [_("Give a whole number of rows.")]}
                ) from exc
        return super().get_page_size(request)


class ContactCursorPagination(StrictCursorPagination):
    """Contacts are the largest list: stable pages by a cursor, newest first, no COUNT."""

    ordering = ("-started_at", "-pk")


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
