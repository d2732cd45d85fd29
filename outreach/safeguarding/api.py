"""API resources of risk, decisions, guardianship, complaints and training, on the pages' forms.

The building blocks of `outreach.api_records`: lists and reads through the access querysets
(another team's row is a 404), audited with one row per client shown, with `?client=`,
`?updated_since=` and cursor pages; a create binds the page's form to the JSON body and calls
the page's service, so a rule holds on both paths. Trainings and supervision sessions are a
team's rows (no client's data): listed for the user's teams, recorded by who may record them.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from outreach import access
from outreach.api import IdFilter
from outreach.api_records import (
    ClientRowViewSet,
    RecordFilter,
    RecordViewSet,
    UpdatedSinceFilterSet,
    client_for_write,
    document_writes,
    form_data,
    form_errors,
    form_serializer,
    record_filter,
    request_object,
    valid_form,
    with_defaults,
)
from outreach.models import (
    Client,
    Complaint,
    GuardianshipStatus,
    RiskAssessment,
    SupervisionSession,
    SupportedDecision,
    Training,
)
from outreach.origin import Origin
from outreach.safeguarding import services
from outreach.safeguarding.forms import (
    ComplaintForm,
    GuardianshipForm,
    ListedRiskDomainForm,
    RiskAssessmentForm,
    SupervisionSessionForm,
    SupportedDecisionForm,
    TrainingForm,
    listed_risk_domains,
)
from outreach.safeguarding.serializers import (
    ComplaintOutSerializer,
    GuardianshipOutSerializer,
    RiskAssessmentOutSerializer,
    SupervisionSessionOutSerializer,
    SupportedDecisionOutSerializer,
    TrainingOutSerializer,
)

# --- A client's record -------------------------------------------------------------------------


class RiskAssessmentViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Versions of clients' risk assessments; a create writes a new version."""

    model = RiskAssessment
    entity = "riskassessment"
    serializer_class = RiskAssessmentOutSerializer
    prefetch = ("domains",)
    filterset_class = record_filter(RiskAssessment, ["reason"])
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            RiskAssessmentForm,
            "RiskAssessmentCreateRequest",
            extra={
                "client": serializers.IntegerField(help_text="The client's id."),
                "domains": form_serializer(ListedRiskDomainForm, "RiskDomainRequest")(many=True),
            },
        ),
        responses={201: RiskAssessmentOutSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        client = client_for_write(request, body.pop("client", None))
        listed = body.pop("domains", None)
        body.setdefault("written_with_client", True)
        form = RiskAssessmentForm(form_data(RiskAssessmentForm, body), client=client)
        errors = form_errors(form) if not form.is_valid() else {}
        domains, domain_errors = listed_risk_domains(listed)
        if domain_errors:
            errors["domains"] = domain_errors
        if errors:
            raise ValidationError(errors)
        assessment = services.risk_assessment_record(
            client=client,
            actor=request.user,
            assessment=form.save(commit=False),
            domains=domains,
            origin=Origin.from_request(request),
        )
        return self.answer(assessment, status.HTTP_201_CREATED)


class SupportedDecisionViewSet(ClientRowViewSet):
    """Decisions clients made with support."""

    model = SupportedDecision
    entity = "supporteddecision"
    serializer_class = SupportedDecisionOutSerializer
    filterset_class = record_filter(SupportedDecision, ["followed"])
    form_class = SupportedDecisionForm
    service = staticmethod(services.supported_decision_save)
    param = "decision"
    create_defaults = {"followed": SupportedDecision.Followed.PENDING.value}


class GuardianshipViewSet(ClientRowViewSet):
    """Clients' guardianship statuses over time."""

    model = GuardianshipStatus
    entity = "guardianshipstatus"
    serializer_class = GuardianshipOutSerializer
    filterset_class = record_filter(GuardianshipStatus, ["status"])
    form_class = GuardianshipForm
    service = staticmethod(services.guardianship_record)
    param = "status"


class ComplaintRecordFilter(RecordFilter):
    open = filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="open")


class ComplaintViewSet(ClientRowViewSet):
    """Clients' complaints; only the team's supervisor gives an outcome and closes one."""

    model = Complaint
    entity = "complaint"
    serializer_class = ComplaintOutSerializer
    filterset_class = record_filter(Complaint, ["about_kind"], base=ComplaintRecordFilter)
    form_class = ComplaintForm
    service = staticmethod(services.complaint_save)
    param = "complaint"

    def form_kwargs(self, client: Client) -> dict[str, Any]:
        # The page leaves the outcome and closing out of a worker's form; the API binds them
        # for everyone, so that a worker who sends them is refused (by complaint_save, the
        # rule of both paths) rather than have them dropped without a word.
        return {"client": client, "can_close": True}


# --- A team's rows ------------------------------------------------------------------------------


class TeamRowViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Rows of a team (no client data): the team's staff list and read them (not audited as a
    read of a client), and who records the team's training creates them through the page's
    form and service."""

    prefetch = ("attendees",)
    filterset_class: type[filters.FilterSet]
    form_class: type[TrainingForm | SupervisionSessionForm]
    param: str
    create_defaults: dict[str, Any] = {}
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def service(**kwargs: Any) -> Any:  # pragma: no cover - always set by a subclass
        raise NotImplementedError

    def get_queryset(self):
        teams = access.visible_teams(self.request.user)
        return (
            self.model.objects.filter(team__in=teams)
            .prefetch_related(*self.prefetch)
            .order_by("-pk")
        )

    def list(self, request, *args, **kwargs):
        return super(RecordViewSet, self).list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        body = {**self.create_defaults, **request_object(request)}
        try:
            team_pk = serializers.IntegerField().run_validation(body.pop("team", None))
        except ValidationError as exc:
            raise ValidationError({"team": exc.detail}) from exc
        team = access.visible_teams(request.user).filter(pk=team_pk).first()
        if team is None or not access.can_record_team_training(request.user, team):
            raise Http404
        form = valid_form(self.form_class(form_data(self.form_class, body), team=team))
        row = type(self).service(
            team=team,
            actor=request.user,
            attendees=form.cleaned_data["attendees"],
            origin=Origin.from_request(request),
            **{self.param: form.save(commit=False)},
        )
        return self.answer(row, status.HTTP_201_CREATED)


class TeamRowFilter(UpdatedSinceFilterSet):
    # An id, not a choice of all teams: another team and none answer alike (an empty list).
    team = IdFilter(field_name="team_id")


class TrainingViewSet(TeamRowViewSet):
    """Trainings of the user's teams' staff."""

    model = Training
    serializer_class = TrainingOutSerializer
    filterset_class = record_filter(Training, ["kind"], base=TeamRowFilter)
    form_class = TrainingForm
    service = staticmethod(services.training_save)
    param = "training"


class SupervisionSessionViewSet(TeamRowViewSet):
    """Supervision sessions of the user's teams."""

    model = SupervisionSession
    serializer_class = SupervisionSessionOutSerializer
    filterset_class = record_filter(SupervisionSession, ["kind"], base=TeamRowFilter)
    form_class = SupervisionSessionForm
    service = staticmethod(services.supervision_session_save)
    param = "session"
    create_defaults = {"kind": SupervisionSession.Kind.GROUP.value}


def _document_team_writes(view: type[TeamRowViewSet], name: str) -> None:
    create_in = form_serializer(
        view.form_class,
        f"{name}CreateRequest",
        extra={"team": serializers.IntegerField(help_text="The team's id.")},
    )
    with_defaults(create_in, view.create_defaults)
    extend_schema_view(
        create=extend_schema(request=create_in, responses={201: view.serializer_class})
    )(view)


document_writes(
    SupportedDecisionViewSet,
    name="SupportedDecision",
    form_class=SupportedDecisionForm,
    fields={"followed": serializers.ChoiceField(choices=SupportedDecision.Followed.choices)},
)
for _view, _name, _form in [
    (GuardianshipViewSet, "GuardianshipStatus", GuardianshipForm),
    (ComplaintViewSet, "Complaint", ComplaintForm),
]:
    document_writes(_view, name=_name, form_class=_form)
_document_team_writes(TrainingViewSet, "Training")
_document_team_writes(SupervisionSessionViewSet, "SupervisionSession")
