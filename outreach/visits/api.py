"""API resource of planned visits: the tandem's week, on the visit pages' forms and services.

A visit is planned through the page's form (the client, the day, the time if known, who goes,
why) and `visit_plan`; POST …/contact/ logs the visit's contact (the contact API's body, the
client being the visit's) and marks it done, POST …/missed/ marks it missed with the reason.
Lists and reads go through the access querysets (another team's visit is a 404), audited.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from outreach import access
from outreach.api_records import (
    RecordViewSet,
    client_for_write,
    form_data,
    form_serializer,
    record_filter,
    request_object,
    valid_form,
)
from outreach.models import PlannedVisit
from outreach.origin import Origin
from outreach.serializers import ContactInSerializer
from outreach.staff import team_staff
from outreach.visits import selectors, services
from outreach.visits.forms import VisitCancelForm, VisitEditForm, VisitMissedForm, VisitPlanForm


class PlannedVisitOut(serializers.ModelSerializer):
    class Meta:
        model = PlannedVisit
        fields = ["id", "client", "planned_on", "planned_time", "staff", "purpose", "status"]
        fields += ["contact", "missed_reason", "cancel_reason", "created_by", "created_at"]
        fields += ["closed_by"]
        fields += ["closed_at", "updated_at"]
        read_only_fields = fields


class VisitContactIn(ContactInSerializer):
    """The contact of the visit (its client is the visit's)."""

    client = None


PLAN_IN = form_serializer(VisitPlanForm, "PlannedVisitCreateRequest")
PLAN_IN._declared_fields["client"] = serializers.IntegerField(help_text="The client's id.")
EDIT_IN = form_serializer(
    VisitEditForm,
    "PatchedPlannedVisitChangeRequest",
    only=["planned_on", "planned_time", "staff", "purpose"],
)
for _field in EDIT_IN._declared_fields.values():
    _field.required = False  # a PATCH gives what changes; the rest stays


class PlannedVisitViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Visits planned to clients of the user's teams (all statuses), newest first."""

    model = PlannedVisit
    entity = "plannedvisit"
    serializer_class = PlannedVisitOut
    prefetch = ("staff",)
    filterset_class = record_filter(PlannedVisit, ["status", "planned_on"])
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=PLAN_IN, responses={201: PlannedVisitOut})
    def create(self, request, *args, **kwargs):
        if not access.plans_visits(request.user):
            raise Http404
        body = request_object(request)
        client = client_for_write(request, body.get("client"))
        form = valid_form(
            VisitPlanForm(
                form_data(VisitPlanForm, body),
                client_queryset=selectors.plan_clients(request.user),
                staff_queryset=selectors.plan_staff(request.user),
            )
        )
        data = form.cleaned_data
        visit = services.visit_plan(
            client=client,
            actor=request.user,
            planned_on=data["planned_on"],
            planned_time=data["planned_time"],
            staff=data["staff"],
            purpose=data["purpose"],
            origin=Origin.from_request(request),
        )
        return self.answer(visit, status.HTTP_201_CREATED)

    @extend_schema(
        request=EDIT_IN,
        responses={200: PlannedVisitOut},
        description=(
            "Change a visit still planned: the day, the time, who goes, what for (the rules of "
            "a new visit). Fields left out keep their values; a visit logged, missed or "
            "cancelled is refused with 400."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        visit = self._open()
        current = {
            "planned_on": visit.planned_on.isoformat(),
            "planned_time": visit.planned_time.strftime("%H:%M") if visit.planned_time else "",
            "staff": [u.pk for u in visit.staff.all()],
            "purpose": visit.purpose,
        }
        body = {**current, **request_object(request)}
        form = valid_form(
            VisitEditForm(
                form_data(VisitEditForm, body),
                staff_queryset=team_staff(visit.client.team_id),
            )
        )
        data = form.cleaned_data
        visit = services.visit_edit(
            visit=visit,
            actor=request.user,
            planned_on=data["planned_on"],
            planned_time=data["planned_time"],
            staff=data["staff"],
            purpose=data["purpose"],
            origin=Origin.from_request(request),
        )
        return self.answer(visit)

    @extend_schema(
        request=form_serializer(VisitCancelForm, "PlannedVisitCancelRequest"),
        responses={200: PlannedVisitOut},
        description="Cancel a visit still planned (the reason is optional).",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        visit = self._open()
        form = valid_form(VisitCancelForm(form_data(VisitCancelForm, request_object(request))))
        services.visit_cancel(
            visit=visit,
            actor=request.user,
            reason=form.cleaned_data["cancel_reason"],
            origin=Origin.from_request(request),
        )
        return self.answer(visit)

    def _open(self) -> PlannedVisit:
        visit = self.get_object()
        if not access.can_write_record(self.request.user, visit.client):
            raise Http404
        return visit

    @extend_schema(
        request=VisitContactIn,
        responses={200: PlannedVisitOut},
        description="Log the visit's contact: the contact is saved and the visit is done.",
    )
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        visit = self._open()
        body = {**request_object(request), "client": visit.client_id}
        serializer = ContactInSerializer(data=body, context={"team": visit.client.team_id})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("client")
        services.visit_log_contact(
            visit=visit, author=request.user, origin=Origin.from_request(request), **data
        )
        return self.answer(visit)

    @extend_schema(
        request=form_serializer(VisitMissedForm, "PlannedVisitMissedRequest"),
        responses={200: PlannedVisitOut},
        description="Mark the visit missed, with the reason it did not happen.",
    )
    @action(detail=True, methods=["post"])
    def missed(self, request, pk=None):
        visit = self._open()
        form = valid_form(VisitMissedForm(form_data(VisitMissedForm, request_object(request))))
        services.visit_mark_missed(
            visit=visit,
            actor=request.user,
            reason=form.cleaned_data["missed_reason"],
            origin=Origin.from_request(request),
        )
        return self.answer(visit)
