"""REST API of the core record, with the same access rules as the pages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from outreach import access, audit, services
from outreach.models import Client, Contact, Episode
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


class IsVerifiedStaff(permissions.BasePermission):
    """A signed-in user; with a session, also past the second factor when that is required."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if settings.OUTREACH_REQUIRE_2FA and request.auth is None:
            return bool(getattr(user, "is_verified", lambda: False)())
        return True


class ClientViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClientOutSerializer
    permission_classes = [IsVerifiedStaff]
    filterset_fields = ["team", "tandem", "sex"]

    def get_queryset(self):
        return access.visible_clients(self.request.user).order_by("family_name", "given_name", "pk")

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        audit.record(
            actor=request.user, action="client.view", target=client, request=request._request
        )
        return Response(self.get_serializer(client).data)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit.record(
            actor=request.user,
            action="client.list",
            request=request._request,
            detail={"count": response.data.get("count")},
        )
        return response


class EpisodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EpisodeOutSerializer
    permission_classes = [IsVerifiedStaff]
    filterset_fields = ["client"]

    def get_queryset(self):
        return access.scoped(Episode.objects.all(), self.request.user, via="client").order_by(
            "-started_on", "pk"
        )

    def retrieve(self, request, *args, **kwargs):
        episode = self.get_object()
        audit.record(
            actor=request.user,
            action="episode.view",
            target=episode,
            client=episode.client,
            request=request._request,
        )
        return Response(self.get_serializer(episode).data)


class ContactViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsVerifiedStaff]
    filterset_fields = ["client", "mode", "outcome"]

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
            actor=request.user,
            action="contact.view",
            target=contact,
            client=contact.client,
            request=request._request,
        )
        return Response(ContactOutSerializer(contact).data)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit.record(
            actor=request.user,
            action="contact.list",
            request=request._request,
            detail={"count": response.data.get("count")},
        )
        return response

    def create(self, request, *args, **kwargs):
        serializer = ContactInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            client = access.visible_clients(request.user).get(pk=data.pop("client"))
        except Client.DoesNotExist as exc:
            raise Http404 from exc
        contact = services.contact_log(
            client=client, author=request.user, request=request._request, **data
        )
        return Response(ContactOutSerializer(contact).data, status=status.HTTP_201_CREATED)
