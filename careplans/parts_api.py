"""API resources of a care plan's parts, on the plan pages' forms, services and access rules.

Goals and actions (added, changed, an action marked done), the advance statement, sign-off,
the client's answer and the reviews. Every write names the plan `version` it was made on: a
stale one answers 409 with the current plan, as the plan's own PATCH does; a user who may see
the plan but not edit it gets 403, as on the pages; another team's plan is a 404.
"""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from careplans import access as plan_access
from careplans import selectors, services
from careplans.api import CarePlanOutSerializer
from careplans.forms import (
    ActionForm,
    AdvanceForm,
    CommentForm,
    GoalForm,
    ResponseForm,
    ReviewForm,
    ShareForm,
    VersionForm,
)
from careplans.models import (
    Action,
    AdvanceStatement,
    CarePlan,
    ClientResponse,
    CrisisSheetShare,
    Goal,
    PlanAgreement,
    PlanComment,
    PlanReview,
    PlanSignoff,
)
from careplans.services import ADVANCE_FIELDS
from outreach.api_records import (
    RecordViewSet,
    form_data,
    form_serializer,
    instance_data,
    record_filter,
    request_object,
    valid_form,
)
from outreach.forms import DoneForm
from outreach.origin import Origin

PLAN_CLIENT = "careplan__episode__client"
GoalStatus = Goal.Status  # named in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])


def _pk(body: dict[str, Any], field: str) -> int:
    try:
        return serializers.IntegerField().run_validation(body.pop(field, None))
    except ValidationError as exc:
        raise ValidationError({field: exc.detail}) from exc


def plan_for_write(request, pk: int) -> CarePlan:
    """A plan the user may see (404 otherwise) and edit (403 otherwise, as on the pages)."""
    try:
        plan = selectors.careplan_list(user=request.user).get(pk=pk)
    except CarePlan.DoesNotExist as exc:
        raise Http404 from exc
    if not plan_access.can_edit_plan(request.user, plan):
        raise PermissionDenied("Only the client's tandem and the team's supervisor edit the plan.")
    return plan


def conflict(exc: services.CarePlanConflict) -> Response:
    """The 409 of a write made on a stale version: nothing saved, the current plan returned."""
    return Response(
        {
            "detail": "The plan was changed since you read it.",
            "current": CarePlanOutSerializer(exc.current).data,
        },
        status=status.HTTP_409_CONFLICT,
    )


class PlanPartViewSet(RecordViewSet):
    client_path = PLAN_CLIENT
    related = ("careplan__episode",)

    def write(self, call, obj_of=lambda saved: saved, code=status.HTTP_200_OK) -> Response:
        """Run a service call; a stale version is a 409, the saved row the answer."""
        try:
            saved = call()
        except services.CarePlanConflict as exc:
            return conflict(exc)
        return self.answer(obj_of(saved), code)


VERSION = serializers.IntegerField(min_value=1, help_text="The plan version you read.")
CONFLICT_RESPONSES = {409: CarePlanOutSerializer, 403: None}


# --- Goals ---------------------------------------------------------------------------------


class GoalOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "client", "careplan", "domain", "in_their_words", "status"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


class GoalViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """Goals of care plans, in the client's words."""

    model = Goal
    entity = "goal"
    serializer_class = GoalOut
    filterset_class = record_filter(Goal, ["careplan", "domain", "status"], client_path=PLAN_CLIENT)
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(
        request=form_serializer(
            GoalForm,
            "GoalCreateRequest",
            extra={"careplan": serializers.IntegerField(help_text="The plan's id.")},
        ),
        responses={201: GoalOut, **CONFLICT_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        plan = plan_for_write(request, _pk(body, "careplan"))
        return self._save(request, plan, None, body, status.HTTP_201_CREATED)

    @extend_schema(
        request=form_serializer(GoalForm, "GoalPatchRequest"),
        responses={200: GoalOut, **CONFLICT_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        plan = plan_for_write(request, goal.careplan_id)
        base = {"domain": goal.domain, "in_their_words": goal.in_their_words, "status": goal.status}
        return self._save(request, plan, goal, {**base, **request_object(request)})

    def _save(self, request, plan, goal, body, code=status.HTTP_200_OK):
        data = valid_form(GoalForm(form_data(GoalForm, body))).cleaned_data
        return self.write(
            lambda: services.goal_save(
                careplan=plan,
                author=request.user,
                expected_version=data["version"],
                goal=goal,
                domain=data["domain"],
                in_their_words=data["in_their_words"],
                status=data["status"],
                origin=Origin.from_request(request),
            ),
            code=code,
        )


# --- Actions -------------------------------------------------------------------------------

ACTION_CLIENT = "goal__careplan__episode__client"


class ActionOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="goal.careplan.episode.client_id", read_only=True)
    careplan = serializers.IntegerField(source="goal.careplan_id", read_only=True)

    class Meta:
        model = Action
        fields = ["id", "client", "careplan", "goal", "what", "who", "staff", "support_person"]
        fields += ["agency", "due_on", "done_on", "done_by", "created_at", "updated_at"]
        read_only_fields = fields


class ActionViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """Who does what by when for a goal; POST …/done/ marks one done (progress, no new version)."""

    model = Action
    entity = "action"
    client_path = ACTION_CLIENT
    related = ("goal__careplan__episode",)
    serializer_class = ActionOut
    filterset_class = record_filter(Action, ["goal", "who"], client_path=ACTION_CLIENT)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _form(self, plan: CarePlan, body: dict[str, Any]) -> dict[str, Any]:
        form = ActionForm(
            form_data(ActionForm, body), client=plan.client, episode_start=plan.episode.started_on
        )
        return dict(valid_form(form).cleaned_data)

    @extend_schema(
        request=form_serializer(
            ActionForm,
            "ActionCreateRequest",
            extra={"goal": serializers.IntegerField(help_text="The goal's id.")},
        ),
        responses={201: ActionOut, **CONFLICT_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        goal_pk = _pk(body, "goal")
        goal = Goal.objects.filter(
            pk=goal_pk, careplan__in=selectors.careplan_list(user=request.user)
        ).first()
        if goal is None:
            raise Http404
        plan = plan_for_write(request, goal.careplan_id)
        goal.careplan = plan
        data = self._form(plan, body)
        version = data.pop("version")
        return self.write(
            lambda: services.action_add(
                goal=goal,
                author=request.user,
                expected_version=version,
                origin=Origin.from_request(request),
                **data,
            ),
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=form_serializer(ActionForm, "ActionPatchRequest"),
        responses={200: ActionOut, **CONFLICT_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        plan = plan_for_write(request, item.goal.careplan_id)
        item.goal.careplan = plan
        fields = ("what", "who", "staff", "support_person", "agency", "due_on", "done_on")
        base = {f: getattr(item, f) for f in fields}
        data = self._form(plan, {**base, **request_object(request)})
        version = data.pop("version")
        return self.write(
            lambda: services.action_update(
                action=item,
                author=request.user,
                expected_version=version,
                origin=Origin.from_request(request),
                **data,
            )
        )

    @extend_schema(
        request=form_serializer(DoneForm, "ActionDoneRequest"),
        responses={200: ActionOut, 403: None},
        description="Mark the action done (today unless done_on says another day).",
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        item = self.get_object()
        item.goal.careplan = plan_for_write(request, item.goal.careplan_id)
        body = {"done_on": timezone.localdate(), **request_object(request)}
        form = valid_form(DoneForm(form_data(DoneForm, body)))
        services.action_mark_done(
            action=item,
            author=request.user,
            done_on=form.cleaned_data["done_on"],
            origin=Origin.from_request(request),
        )
        return self.answer(item)


# --- The advance statement -----------------------------------------------------------------


class AdvanceStatementOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = AdvanceStatement
        fields = ["id", "client", "careplan", *ADVANCE_FIELDS, "crisis_contacts", "updated_at"]
        read_only_fields = fields


class AdvanceStatementViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """The advance statement / crisis plan of a care plan (one per plan)."""

    model = AdvanceStatement
    entity = "advancestatement"
    serializer_class = AdvanceStatementOut
    prefetch = ("crisis_contacts",)
    filterset_class = record_filter(AdvanceStatement, ["careplan"], client_path=PLAN_CLIENT)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _save(self, request, plan, statement, body, code=status.HTTP_200_OK):
        form = valid_form(
            AdvanceForm(form_data(AdvanceForm, body), client=plan.client, instance=statement)
        )
        return self.write(
            lambda: services.advance_statement_save(
                careplan=plan,
                author=request.user,
                expected_version=form.cleaned_data["version"],
                crisis_contacts=form.cleaned_data["crisis_contacts"],
                origin=Origin.from_request(request),
                **form.advance_data(),
            ),
            code=code,
        )

    @extend_schema(
        request=form_serializer(
            AdvanceForm,
            "AdvanceStatementCreateRequest",
            extra={"careplan": serializers.IntegerField(help_text="The plan's id.")},
        ),
        responses={201: AdvanceStatementOut, **CONFLICT_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        plan = plan_for_write(request, _pk(body, "careplan"))
        if AdvanceStatement.objects.filter(careplan=plan).exists():
            raise ValidationError(
                {"careplan": ["This plan has an advance statement: change it with PATCH."]}
            )
        return self._save(request, plan, None, body, status.HTTP_201_CREATED)

    @extend_schema(
        request=form_serializer(AdvanceForm, "AdvanceStatementPatchRequest"),
        responses={200: AdvanceStatementOut, **CONFLICT_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        statement = self.get_object()
        plan = plan_for_write(request, statement.careplan_id)
        base = instance_data(AdvanceForm, statement)
        return self._save(request, plan, statement, {**base, **request_object(request)})


# --- Sign-off, the client's answer, reviews ------------------------------------------------


class SignoffOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = PlanSignoff
        fields = ["id", "client", "careplan", "plan_version", "user", "signed_at", "updated_at"]
        read_only_fields = fields


class SignoffViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """Sign-offs of plan versions by the two members of the client's tandem."""

    model = PlanSignoff
    entity = "plansignoff"
    serializer_class = SignoffOut
    filterset_class = record_filter(PlanSignoff, ["careplan", "user"], client_path=PLAN_CLIENT)
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            VersionForm,
            "SignoffCreateRequest",
            extra={"careplan": serializers.IntegerField(help_text="The plan's id.")},
        ),
        responses={201: SignoffOut, **CONFLICT_RESPONSES},
        description="Sign off the version you read (only the client's tandem signs).",
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        try:
            plan = selectors.careplan_list(user=request.user).get(pk=_pk(body, "careplan"))
        except CarePlan.DoesNotExist as exc:
            raise Http404 from exc
        version = valid_form(VersionForm(form_data(VersionForm, body))).cleaned_data["version"]
        return self.write(
            lambda: services.careplan_sign(
                careplan=plan,
                user=request.user,
                plan_version=version,
                origin=Origin.from_request(request),
            ),
            code=status.HTTP_201_CREATED,
        )


class ClientResponseOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = ClientResponse
        fields = ["id", "client", "careplan", "plan_version", "answer", "in_their_words"]
        fields += ["responded_on", "recorded_by", "created_at", "updated_at"]
        read_only_fields = fields


class ClientResponseViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """The client's agreement or disagreement (with their reasons) with a plan version."""

    model = ClientResponse
    entity = "clientresponse"
    serializer_class = ClientResponseOut
    filterset_class = record_filter(ClientResponse, ["careplan", "answer"], client_path=PLAN_CLIENT)
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            ResponseForm,
            "ClientResponseCreateRequest",
            extra={"careplan": serializers.IntegerField(help_text="The plan's id.")},
        ),
        responses={201: ClientResponseOut, **CONFLICT_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        plan = plan_for_write(request, _pk(body, "careplan"))
        body.setdefault("responded_on", timezone.localdate())
        data = valid_form(ResponseForm(form_data(ResponseForm, body))).cleaned_data
        return self.write(
            lambda: services.careplan_respond(
                careplan=plan,
                author=request.user,
                plan_version=data["version"],
                answer=data["answer"],
                in_their_words=data["in_their_words"],
                responded_on=data["responded_on"],
                origin=Origin.from_request(request),
            ),
            code=status.HTTP_201_CREATED,
        )


class ReviewOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "client", "careplan", "month", "held_on", "what_changed"]
        fields += ["goal_progress", "plan_version", "recorded_by", "created_at", "updated_at"]
        read_only_fields = fields


class ReviewViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """Plan reviews (months 3, 6, 9 …): what changed and each goal's progress."""

    model = PlanReview
    entity = "planreview"
    serializer_class = ReviewOut
    filterset_class = record_filter(PlanReview, ["careplan", "month"], client_path=PLAN_CLIENT)
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            ReviewForm,
            "ReviewCreateRequest",
            extra={
                "careplan": serializers.IntegerField(help_text="The plan's id."),
                "goal_statuses": serializers.DictField(
                    child=serializers.ChoiceField(choices=Goal.Status.choices),
                    required=False,
                    help_text="Goal id → its progress now (unnamed goals keep theirs).",
                ),
            },
        ),
        responses={201: ReviewOut, **CONFLICT_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        plan = plan_for_write(request, _pk(body, "careplan"))
        statuses = body.pop("goal_statuses", None) or {}
        if not isinstance(statuses, dict):
            raise ValidationError({"goal_statuses": ["Send an object: goal id → status."]})
        goals = list(plan.goals.all())
        known = {str(g.pk) for g in goals}
        unknown = sorted(set(map(str, statuses)) - known)
        if unknown:
            raise ValidationError({"goal_statuses": [f"Not goals of this plan: {unknown}"]})
        for goal in goals:
            body[f"goal_{goal.pk}"] = statuses.get(str(goal.pk), goal.status)
        body.setdefault("held_on", timezone.localdate())
        form = valid_form(ReviewForm(form_data(ReviewForm, body), goals=goals))
        data = form.cleaned_data
        return self.write(
            lambda: services.review_record(
                careplan=plan,
                author=request.user,
                expected_version=data["version"],
                held_on=data["held_on"],
                what_changed=data["what_changed"],
                goal_progress=data["goal_progress"],
                goal_statuses=form.goal_statuses(),
                origin=Origin.from_request(request),
            ),
            code=status.HTTP_201_CREATED,
        )


# --- The client's comments, the plan's agreements, the crisis sheet's shares ----------------


class CommentOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)

    class Meta:
        model = PlanComment
        fields = ["id", "client", "careplan", "plan_version", "text", "made_on", "recorded_by"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


COMMENT_IN = form_serializer(
    CommentForm,
    "PlanCommentCreateRequest",
    extra={"careplan": serializers.IntegerField(help_text="The plan's id.")},
)
# The form's version is a choice among the plan's versions (made per plan): an integer.
COMMENT_IN._declared_fields["plan_version"] = serializers.IntegerField(
    min_value=1, help_text="The plan version the comment is about."
)
COMMENT_IN._declared_fields["made_on"] = serializers.DateField(
    required=False, help_text="Today when left out."
)


class CommentViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """The client's comments on their plan, each kept with the plan version it is about."""

    model = PlanComment
    entity = "plancomment"
    serializer_class = CommentOut
    filterset_class = record_filter(
        PlanComment, ["careplan", "plan_version"], client_path=PLAN_CLIENT
    )
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=COMMENT_IN, responses={201: CommentOut, 403: None})
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        plan = plan_for_write(request, _pk(body, "careplan"))
        body.setdefault("made_on", timezone.localdate())
        versions = list(
            plan.history.order_by("-version").values_list("version", flat=True).distinct()
        )
        form = valid_form(CommentForm(form_data(CommentForm, body), versions=versions))
        comment = services.comment_add(
            careplan=plan,
            author=request.user,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(comment, status.HTTP_201_CREATED)


class AgreementOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)

    class Meta:
        model = PlanAgreement
        fields = ["id", "client", "careplan", "agreed_on", "kind", "plan_version"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


class AgreementViewSet(RecordViewSet):
    """The client agreed their plan (first time or at a review): recorded by the services once
    the version is signed off by the tandem and the client agreed (read only)."""

    model = PlanAgreement
    entity = "planagreement"
    serializer_class = AgreementOut
    filterset_class = record_filter(PlanAgreement, ["careplan", "kind"])


class ShareOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="careplan.episode.client_id", read_only=True)
    recipient = serializers.CharField(source="consent.recipient", read_only=True)

    class Meta:
        model = CrisisSheetShare
        fields = ["id", "client", "careplan", "consent", "recipient", "plan_version"]
        fields += ["shared_by", "shared_at", "updated_at"]
        read_only_fields = fields


class ShareCreatedOut(ShareOut):
    pdf = serializers.SerializerMethodField(
        help_text="The crisis sheet as shared (a PDF, base64): given only in this answer."
    )

    class Meta(ShareOut.Meta):
        fields = [*ShareOut.Meta.fields, "pdf"]
        read_only_fields = fields

    def get_pdf(self, obj) -> str:
        return base64.b64encode(self.context["pdf"]).decode("ascii")


class ShareIn(serializers.Serializer):
    """Share the plan's crisis sheet with a person or agency the client consented to."""

    careplan = serializers.IntegerField(help_text="The plan's id.")
    consent = serializers.IntegerField(
        help_text="The client's consent (scope crisis_sheet, in force today) to share under."
    )


class CrisisSheetShareViewSet(mixins.CreateModelMixin, PlanPartViewSet):
    """Records of the crisis sheet shared under a consent; POST shares it (the PDF comes back)."""

    model = CrisisSheetShare
    entity = "crisissheetshare"
    serializer_class = ShareOut
    related = ("careplan__episode", "consent")
    filterset_class = record_filter(
        CrisisSheetShare, ["careplan", "consent"], client_path=PLAN_CLIENT
    )
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ShareIn, responses={201: ShareCreatedOut})
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        try:
            plan = selectors.careplan_list(user=request.user).get(pk=_pk(body, "careplan"))
        except CarePlan.DoesNotExist as exc:
            raise Http404 from exc
        if not plan_access.can_share_crisis_sheet(request.user, plan):
            raise Http404
        form = valid_form(ShareForm(form_data(ShareForm, body), client=plan.client))
        share, pdf = services.crisis_sheet_share(
            careplan=plan,
            author=request.user,
            consent=form.cleaned_data["consent"],
            origin=Origin.from_request(request),
        )
        fresh = self.get_queryset().get(pk=share.pk)
        return Response(
            ShareCreatedOut(fresh, context={"request": request, "pdf": pdf}).data,
            status.HTTP_201_CREATED,
        )
