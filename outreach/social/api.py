"""API resources of the living situation, carers and costs, on the pages' forms and services.

The building blocks of `outreach.api_records`: lists and reads through the access querysets
(another team's row is a 404), audited, with `?client=`, `?updated_since=` and cursor pages;
a create binds the page's form to the JSON body and calls the page's service.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError

from outreach import access
from outreach.api import IdFilter
from outreach.api_records import (
    ClientRowViewSet,
    RecordFilter,
    RecordViewSet,
    client_for_write,
    document_writes,
    form_data,
    form_serializer,
    record_filter,
    request_object,
    valid_form,
)
from outreach.models import Carer, CarerNeedsReview, Client, LivingDomain, LivingStatus, Spending
from outreach.origin import Origin
from outreach.social import services
from outreach.social.forms import CarerForm, CarerReviewForm, LivingStatusForm, SpendingForm
from outreach.social.serializers import (
    CarerOutSerializer,
    CarerReviewOutSerializer,
    LivingStatusOutSerializer,
    SpendingOutSerializer,
)


def _field_value(field: serializers.Field, name: str, raw):
    """`raw` run through a DRF field; its errors answer 400 under `name`."""
    try:
        return field.run_validation(raw)
    except ValidationError as exc:
        raise ValidationError({name: exc.detail}) from exc


class LivingStatusViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Dated statuses of the living situation (housing, income, documents, …); POST adds one."""

    model = LivingStatus
    entity = "livingstatus"
    serializer_class = LivingStatusOutSerializer
    filterset_class = record_filter(LivingStatus, ["domain"])
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            LivingStatusForm,
            "LivingStatusCreateRequest",
            extra={
                "client": serializers.IntegerField(help_text="The client's id."),
                "domain": serializers.ChoiceField(choices=LivingDomain.choices),
            },
        ),
        responses={201: LivingStatusOutSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        client = client_for_write(request, body.pop("client", None))
        domain = _field_value(
            serializers.ChoiceField(choices=LivingDomain.choices),
            "domain",
            body.pop("domain", None),
        )
        form = valid_form(LivingStatusForm(form_data(LivingStatusForm, body), domain=domain))
        entry = services.living_status_record(
            client=client,
            actor=request.user,
            domain=domain,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(entry, status.HTTP_201_CREATED)


class CarerViewSet(ClientRowViewSet):
    """People of the client's support network who care for them."""

    model = Carer
    entity = "carer"
    serializer_class = CarerOutSerializer
    related = ("support_person",)
    filterset_class = record_filter(Carer)
    form_class = CarerForm
    service = staticmethod(services.carer_save)
    param = "carer"


class CarerReviewFilter(RecordFilter):
    # An id, not a choice of all carers: another team's carer and none answer alike (empty).
    carer = IdFilter(field_name="carer_id")


class CarerReviewViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Reviews of a carer's own needs; POST names the carer (its client is the carer's)."""

    model = CarerNeedsReview
    entity = "carerneedsreview"
    client_path = "carer__client"
    serializer_class = CarerReviewOutSerializer
    related = ("carer",)
    filterset_class = record_filter(
        CarerNeedsReview, client_path="carer__client", base=CarerReviewFilter
    )
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            CarerReviewForm,
            "CarerReviewCreateRequest",
            extra={"carer": serializers.IntegerField(help_text="The carer's id.")},
        ),
        responses={201: CarerReviewOutSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        carer_pk = _field_value(serializers.IntegerField(), "carer", body.pop("carer", None))
        carer = get_object_or_404(
            access.scoped(Carer.objects.all(), request.user, via="client").select_related(
                "client", "support_person"
            ),
            pk=carer_pk,
        )
        if not access.can_write_record(request.user, carer.client):
            raise Http404
        form = valid_form(CarerReviewForm(form_data(CarerReviewForm, body)))
        review = services.carer_review_record(
            carer=carer,
            actor=request.user,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(review, status.HTTP_201_CREATED)


class SpendingViewSet(ClientRowViewSet):
    """Money spent for clients (in OUTREACH_CURRENCY)."""

    model = Spending
    entity = "spending"
    serializer_class = SpendingOutSerializer
    filterset_class = record_filter(Spending, ["purpose"])
    form_class = SpendingForm
    service = staticmethod(services.spending_record)
    param = "spending"

    def form_kwargs(self, client: Client) -> dict:
        return {}


document_writes(CarerViewSet, name="Carer", form_class=CarerForm)
document_writes(SpendingViewSet, name="Spending", form_class=SpendingForm)
