"""API resources of assessments: the instruments in use, the assessments recorded, those due.

Recorded through the page's form (one answer per item of the instrument) and service (which
checks the answers again and computes the score); corrected only by the worker who recorded
the assessment (403 for anyone else, as on the page); another team's client is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from careplans import access as plan_access
from careplans.assessments import selectors
from careplans.assessments.forms import (
    AssessmentForm,
    CarerAssessmentForm,
    help_field_name,
    item_field_name,
)
from careplans.assessments.services import (
    assessment_record,
    assessment_update,
    carer_assessment_record,
)
from careplans.models import Assessment, CarerAssessment, Instrument
from outreach import access, audit
from outreach.api import IdFilter
from outreach.api_records import (
    RecordFilter,
    RecordViewSet,
    client_for_write,
    form_errors,
    record_filter,
    request_object,
)
from outreach.models import Carer, SupportPerson
from outreach.origin import Origin
from outreach.permissions import IsVerifiedStaff


class InstrumentOut(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "name", "items", "scoring", "scheduled"]
        read_only_fields = fields


FOR_WHOM = {"client": Instrument.AppliesTo.CLIENT, "carer": Instrument.AppliesTo.CARER}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "for",
                enum=list(FOR_WHOM),
                description="Instruments for clients (the default) or for carers.",
            )
        ]
    )
)
class InstrumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The instruments in use (reference data: items, scale and scoring rule), one list."""

    serializer_class = InstrumentOut
    permission_classes = [IsVerifiedStaff]
    pagination_class = None

    def get_queryset(self):
        # The parameter is checked first: a bad value is a 400 for everyone, as documented.
        for_whom = self.request.query_params.get("for", "client")
        if for_whom not in FOR_WHOM:
            raise ValidationError({"for": [_("Give client or carer.")]})
        if not access.works_in_team(self.request.user):
            return Instrument.objects.none()
        return Instrument.objects.filter(
            pk__in=[i.pk for i in selectors.instruments_in_use(FOR_WHOM[for_whom])]
        ).order_by("code", "pk")


class AssessmentOut(serializers.ModelSerializer):
    instrument_code = serializers.CharField(source="instrument.code", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "client", "episode", "instrument", "instrument_code", "instrument_version"]
        fields += ["assessed_on", "timepoint", "answers", "help_wanted", "score", "scores"]
        fields += ["author", "created_at", "updated_at"]
        read_only_fields = fields


class AssessmentIn(serializers.Serializer):
    """An assessment: the day, the timepoint, one answer per item of the instrument."""

    client = serializers.IntegerField(help_text="The client's id.")
    instrument = serializers.CharField(help_text="The instrument's code (see /instruments/).")
    assessed_on = serializers.DateField(required=False, help_text="Today when left out.")
    timepoint = serializers.ChoiceField(choices=Assessment.Timepoint.choices)
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="Item code → answer (a number, or yes/no)."
    )
    help_wanted = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Item codes."
    )


class AssessmentPatchIn(serializers.Serializer):
    assessed_on = serializers.DateField(required=False)
    timepoint = serializers.ChoiceField(choices=Assessment.Timepoint.choices, required=False)
    answers = serializers.DictField(child=serializers.JSONField(), required=False)
    help_wanted = serializers.ListField(child=serializers.CharField(), required=False)


def _answer(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _bound_form(
    instrument: Instrument,
    body: dict[str, Any],
    form_class: type[AssessmentForm] = AssessmentForm,
) -> AssessmentForm:
    """The page's form, bound to the JSON body; 400 with its errors (named by item code)."""
    answers = body.get("answers", {})
    wanted = body.get("help_wanted", [])
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["Send an object: item code → answer."]})
    if not isinstance(wanted, list):
        raise ValidationError({"help_wanted": ["Send a list of item codes."]})
    codes = {item["code"] for item in instrument.items}
    unknown = sorted((set(answers) | set(wanted)) - codes)
    if unknown:
        raise ValidationError({"answers": [f"Not items of this instrument: {unknown}"]})
    data = {
        "assessed_on": body.get("assessed_on") or "",
        "timepoint": body.get("timepoint") or "",
    }
    for code, value in answers.items():
        data[item_field_name(code)] = _answer(value)
    for code in wanted:
        data[help_field_name(code)] = "on"
    form = form_class(data, instrument=instrument, language="en")
    if not form.is_valid():
        errors = form_errors(form)
        items = {
            code: errors.pop(item_field_name(code))
            for code in codes
            if item_field_name(code) in errors
        }
        if items:
            errors["answers"] = items
        raise ValidationError(errors)
    return form


class AssessmentViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Assessments recorded with the client; PATCH corrects one's own (rescored)."""

    model = Assessment
    entity = "assessment"
    serializer_class = AssessmentOut
    related = ("instrument",)
    filterset_class = record_filter(Assessment, ["timepoint", "instrument", "episode"])
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=AssessmentIn, responses={201: AssessmentOut})
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        client = client_for_write(request, body.pop("client", None))
        instrument = selectors.instrument_for_use(str(body.get("instrument") or ""))
        if instrument is None:
            raise ValidationError({"instrument": ["No instrument in use has this code."]})
        body.setdefault("assessed_on", timezone.localdate().isoformat())
        form = _bound_form(instrument, body)
        assessment = assessment_record(
            client=client,
            instrument=instrument,
            author=request.user,
            assessed_on=form.cleaned_data["assessed_on"],
            timepoint=form.cleaned_data["timepoint"],
            answers=form.answers(),
            help_wanted=form.help_wanted(),
            origin=Origin.from_request(request),
        )
        return self.answer(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentPatchIn, responses={200: AssessmentOut, 403: None})
    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        if not plan_access.can_correct_assessment(request.user, assessment):
            raise PermissionDenied("Only the worker who recorded an assessment can correct it.")
        patch = request_object(request)
        answers = patch.pop("answers", {})
        if not isinstance(answers, dict):
            raise ValidationError({"answers": ["Send an object: item code → answer."]})
        body = {
            "assessed_on": assessment.assessed_on.isoformat(),
            "timepoint": assessment.timepoint,
            "help_wanted": list(assessment.help_wanted),
            **patch,
            "answers": {**assessment.answers, **answers},  # the answers not sent stay as they are
        }
        form = _bound_form(assessment.instrument, body)
        assessment = assessment_update(
            assessment=assessment,
            actor=request.user,
            assessed_on=form.cleaned_data["assessed_on"],
            timepoint=form.cleaned_data["timepoint"],
            answers=form.answers(),
            help_wanted=form.help_wanted(),
            origin=Origin.from_request(request),
        )
        return self.answer(assessment)


class CarerAssessmentOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="carer.client_id", read_only=True)
    instrument_code = serializers.CharField(source="instrument.code", read_only=True)

    class Meta:
        model = CarerAssessment
        fields = ["id", "client", "carer", "instrument", "instrument_code", "instrument_version"]
        fields += ["assessed_on", "answers", "score", "scores", "author", "created_at"]
        fields += ["updated_at"]
        read_only_fields = fields


class CarerAssessmentIn(serializers.Serializer):
    """A carer's own burden: the day and one answer per item of an instrument for carers."""

    carer = serializers.IntegerField(help_text="The carer's id (see /carers/).")
    instrument = serializers.CharField(
        help_text="The code of an instrument for carers in use (added by an administrator)."
    )
    assessed_on = serializers.DateField(required=False, help_text="Today when left out.")
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="Item code → answer (a number, or yes/no)."
    )


class CarerAssessmentFilter(RecordFilter):
    # An id, not a choice of all carers: another team's carer and none answer alike (empty).
    carer = IdFilter(field_name="carer_id")


class CarerAssessmentViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Carers' own burden measured with an instrument for carers; POST records one (scored)."""

    model = CarerAssessment
    entity = "carerassessment"
    client_path = "carer__client"
    serializer_class = CarerAssessmentOut
    related = ("instrument", "carer")
    filterset_class = record_filter(
        CarerAssessment, ["instrument"], client_path="carer__client", base=CarerAssessmentFilter
    )
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=CarerAssessmentIn, responses={201: CarerAssessmentOut})
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        try:
            carer_pk = serializers.IntegerField().run_validation(body.pop("carer", None))
        except ValidationError as exc:
            raise ValidationError({"carer": exc.detail}) from exc
        # As on the page: a carer the client asked not to contact is not measured (404).
        carer = (
            access.scoped(Carer.objects.all(), request.user, via="client")
            .exclude(support_person__involvement=SupportPerson.Involvement.DO_NOT_CONTACT)
            .select_related("client", "support_person")
            .filter(pk=carer_pk)
            .first()
        )
        if carer is None or not access.can_write_record(request.user, carer.client):
            raise Http404
        instrument = selectors.instrument_for_use(
            str(body.get("instrument") or ""), Instrument.AppliesTo.CARER
        )
        if instrument is None:
            raise ValidationError(
                {"instrument": [_("No instrument for carers in use has this code.")]}
            )
        body.setdefault("assessed_on", timezone.localdate().isoformat())
        body.pop("help_wanted", None)  # carers' instruments ask no help question
        form = _bound_form(instrument, body, CarerAssessmentForm)
        assessment = carer_assessment_record(
            carer=carer,
            instrument=instrument,
            author=request.user,
            assessed_on=form.cleaned_data["assessed_on"],
            answers=form.answers(),
            origin=Origin.from_request(request),
        )
        return self.answer(assessment, status.HTTP_201_CREATED)


class DueAssessmentOut(serializers.Serializer):
    client = serializers.IntegerField(source="client.pk")
    instrument = serializers.CharField(source="instrument.code")
    timepoint = serializers.CharField()
    due_on = serializers.DateField()
    days_late = serializers.IntegerField()


class AssessmentDueViewSet(viewsets.GenericViewSet):
    """Scheduled assessments due now for the user's clients in care (the due list)."""

    serializer_class = DueAssessmentOut
    permission_classes = [IsVerifiedStaff]
    pagination_class = None

    def get_queryset(self):  # for the schema; the list is computed by the selector
        return Assessment.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "scope",
                enum=["mine", "team"],
                description="My tandem's clients (a worker's default) or the whole team's.",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        if not plan_access.sees_due_lists(request.user):
            raise Http404
        own = plan_access.due_lists_start_with_own_clients(request.user)
        scope = request.query_params.get("scope", "mine" if own else "team")
        if scope not in ("mine", "team"):
            raise ValidationError({"scope": [_("Give mine or team.")]})
        mine = scope == "mine"
        clients = access.visible_clients(request.user)
        if mine:
            clients = clients.filter(
                Q(tandem__professional=request.user) | Q(tandem__peer=request.user)
            )
        due = selectors.assessments_due(user=request.user, clients=clients)
        audit.record_many(
            action="assessment.due.view",
            client_ids=[row.client.pk for row in due],
            origin=Origin.from_request(request),
            detail={"scope": "mine" if mine else "team"},
        )
        return Response(DueAssessmentOut(due, many=True).data)
