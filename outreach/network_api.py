"""API resources of a client's support network and consents, on the pages' forms and services.

As on the pages: support people are added and changed, consents recorded and withdrawn (a
withdrawal is its own action, never an edit of the consent).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from outreach import access, services
from outreach.api_records import (
    ClientFormCreateMixin,
    ClientFormPatchMixin,
    RecordViewSet,
    document_writes,
    form_data,
    form_serializer,
    record_filter,
    request_object,
    valid_form,
)
from outreach.forms import ConsentForm, ConsentWithdrawForm, SupportPersonForm
from outreach.models import Client, Consent, SupportPerson
from outreach.origin import Origin


class SupportPersonOut(serializers.ModelSerializer):
    class Meta:
        model = SupportPerson
        fields = ["id", "client", "name", "relation", "relation_detail", "phone", "involvement"]
        fields += ["note", "updated_at"]
        read_only_fields = fields


class ConsentOut(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "client", "recipient_kind", "recipient", "support_person", "agency"]
        fields += ["scope", "given_on", "valid_until", "withdrawn_on", "withdrawn_how"]
        fields += ["withdrawn_recorded_by", "updated_at"]
        read_only_fields = fields


class SupportPersonViewSet(
    ClientFormPatchMixin, ClientFormCreateMixin, mixins.CreateModelMixin, RecordViewSet
):
    """The client's support network: carers, trusted people, friends; or do-not-contact."""

    model = SupportPerson
    entity = "supportperson"
    serializer_class = SupportPersonOut
    filterset_class = record_filter(SupportPerson, ["relation", "involvement"])
    form_class = SupportPersonForm
    service = staticmethod(services.support_person_save)
    param = "person"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def form_kwargs(self, client: Client) -> dict[str, Any]:
        return {}


class ConsentViewSet(ClientFormCreateMixin, mixins.CreateModelMixin, RecordViewSet):
    """Consents to share with a named agency or person; POST …/withdraw/ records a withdrawal."""

    model = Consent
    entity = "consent"
    serializer_class = ConsentOut
    filterset_class = record_filter(Consent, ["scope", "recipient_kind"])
    form_class = ConsentForm
    service = staticmethod(services.consent_save)
    param = "consent"
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(ConsentWithdrawForm, "ConsentWithdrawRequest"),
        responses={200: ConsentOut},
        description="Record that the client withdrew the consent (withdrawn_on defaults to today).",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        if not access.can_write_record(request.user, consent.client):
            raise Http404
        body = {"withdrawn_on": timezone.localdate(), **request_object(request)}
        form = valid_form(ConsentWithdrawForm(form_data(ConsentWithdrawForm, body)))
        services.consent_withdraw(
            consent=consent,
            actor=request.user,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            how=form.cleaned_data["withdrawn_how"],
            origin=Origin.from_request(request),
        )
        return self.answer(consent)


document_writes(
    SupportPersonViewSet, name="SupportPerson", form_class=SupportPersonForm, patch=True
)
document_writes(ConsentViewSet, name="Consent", form_class=ConsentForm)
