"""API resources of the case record's events, on the pages' forms, services and access rules.

Writes exist where the pages write: hospital stays and crises are created and changed; coercive
measures, relapses, adverse events, milestones, agencies, responsibilities, agency requests,
case conferences and group sessions are created; a debrief, an agency's response, a follow-up
action's change or "done", and an episode's discharge are the actions of their pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from outreach import access, audit
from outreach.api_records import (
    ClientFormCreateMixin,
    ClientFormPatchMixin,
    RecordViewSet,
    client_for_write,
    document_writes,
    form_data,
    form_errors,
    form_serializer,
    record_filter,
    request_object,
    valid_form,
)
from outreach.caserecord import services as event_services
from outreach.caserecord.forms import (
    AdverseEventForm,
    AgencyRequestForm,
    AgencyResponseForm,
    CaseAgencyForm,
    CaseConferenceForm,
    CoerciveMeasureForm,
    CrisisForm,
    DebriefForm,
    DischargeForm,
    ExitSurveyForm,
    FollowUpActionForm,
    FollowUpEditForm,
    GroupSessionForm,
    HospitalStayForm,
    MilestoneForm,
    RelapseForm,
    ResponsibilityForm,
)
from outreach.forms import DoneForm
from outreach.models import (
    AdverseEvent,
    AgencyRequest,
    CaseAgency,
    CaseConference,
    Client,
    CoerciveMeasure,
    Crisis,
    Debrief,
    Discharge,
    Episode,
    ExitSurvey,
    FollowUpAction,
    GroupSession,
    HospitalStay,
    Milestone,
    Relapse,
    Responsibility,
)
from outreach.origin import Origin

# --- Output shapes -----------------------------------------------------------------------------


class HospitalStayOut(serializers.ModelSerializer):
    class Meta:
        model = HospitalStay
        fields = [
            "id",
            "client",
            "pre_intake",
            "admitted_on",
            "discharged_on",
            "hospital",
            "legal_status",
            "legal_basis",
            "planned",
            "decided_by",
            "contact_kept",
            "advance_statement_upheld",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DebriefOut(serializers.ModelSerializer):
    class Meta:
        model = Debrief
        fields = ["due_on", "done_on", "done_by", "client_view", "what_should_change", "updated_at"]
        read_only_fields = fields


class CoerciveMeasureOut(serializers.ModelSerializer):
    debrief = DebriefOut(read_only=True, allow_null=True)

    class Meta:
        model = CoerciveMeasure
        fields = [
            "id",
            "client",
            "started_at",
            "kind",
            "location",
            "hospital_stay",
            "legal_basis",
            "decided_by",
            "client_account",
            "debriefed_on",
            "debrief",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CrisisOut(serializers.ModelSerializer):
    class Meta:
        model = Crisis
        fields = [
            "id",
            "client",
            "reported_at",
            "reported_by",
            "first_response_at",
            "mobilised_staff",
            "mobilised_others",
            "location",
            "outcome",
            "advance_statement_followed",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RelapseOut(serializers.ModelSerializer):
    class Meta:
        model = Relapse
        fields = ["id", "client", "onset_on", "signs", "crisis", "hospital_stay"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


class AdverseEventOut(serializers.ModelSerializer):
    class Meta:
        model = AdverseEvent
        fields = ["id", "client", "kind", "occurred_on", "crisis", "note", "created_at"]
        fields += ["updated_at"]
        read_only_fields = fields


class MilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "client", "kind", "achieved_on", "note", "created_at", "updated_at"]
        read_only_fields = fields


class CaseAgencyOut(serializers.ModelSerializer):
    class Meta:
        model = CaseAgency
        fields = ["id", "client", "name", "contact_person", "phone", "involved_since"]
        fields += ["ended_on", "note", "created_at", "updated_at"]
        read_only_fields = fields


class ResponsibilityOut(serializers.ModelSerializer):
    class Meta:
        model = Responsibility
        fields = ["id", "client", "domain", "party", "agency", "task", "created_at", "updated_at"]
        read_only_fields = fields


class AgencyRequestOut(serializers.ModelSerializer):
    class Meta:
        model = AgencyRequest
        fields = ["id", "client", "case_agency", "agency", "request", "sent_on"]
        fields += ["responded_on", "outcome", "created_at", "updated_at"]
        read_only_fields = fields


class FollowUpActionOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="conference.client_id", read_only=True)

    class Meta:
        model = FollowUpAction
        fields = ["id", "client", "conference", "action", "owner", "due_on", "done_on"]
        fields += ["done_by", "updated_at"]
        read_only_fields = fields


class ConferenceActionOut(serializers.ModelSerializer):
    class Meta:
        model = FollowUpAction
        fields = ["id", "action", "owner", "due_on", "done_on", "done_by"]
        read_only_fields = fields


class CaseConferenceOut(serializers.ModelSerializer):
    actions = ConferenceActionOut(many=True, read_only=True)

    class Meta:
        model = CaseConference
        fields = ["id", "client", "held_on", "client_present", "staff", "support_people"]
        fields += ["agencies", "other_participants", "decisions", "actions", "author"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields


class GroupSessionOut(serializers.ModelSerializer):
    attendees = serializers.SerializerMethodField(help_text="Ids of the clients who attended.")

    class Meta:
        model = GroupSession
        fields = ["id", "team", "title", "started_at", "duration_minutes", "location", "note"]
        fields += ["attendees", "created_at", "updated_at"]
        read_only_fields = fields

    def get_attendees(self, session: GroupSession) -> list[int]:
        return sorted({contact.client_id for contact in session.contacts.all()})


class DischargeOut(serializers.ModelSerializer):
    client = serializers.IntegerField(source="episode.client_id", read_only=True)
    ended_on = serializers.DateField(source="episode.ended_on", read_only=True)
    discharge_reason = serializers.CharField(source="episode.discharge_reason", read_only=True)

    class Meta:
        model = Discharge
        fields = ["id", "episode", "client", "ended_on", "discharge_reason", "handover_to"]
        fields += ["handover_plan", "recorded_by", "created_at", "updated_at"]
        read_only_fields = fields


# --- Events created (and changed) through their page's form ----------------------------------


class EventViewSet(ClientFormCreateMixin, mixins.CreateModelMixin, RecordViewSet):
    http_method_names = ["get", "post", "head", "options"]


class EditableEventViewSet(ClientFormPatchMixin, EventViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]


class HospitalStayViewSet(EditableEventViewSet):
    """Hospital stays (with the 12 months before intake); PATCH adds the discharge date."""

    model = HospitalStay
    entity = "hospitalstay"
    serializer_class = HospitalStayOut
    filterset_class = record_filter(HospitalStay, ["legal_status", "pre_intake"])
    form_class = HospitalStayForm
    service = staticmethod(event_services.hospital_stay_save)
    param = "stay"


class CoerciveMeasureViewSet(EventViewSet):
    """Coercive measures; each opens a debrief due within 14 days (POST …/debrief/ records it)."""

    model = CoerciveMeasure
    entity = "coercivemeasure"
    serializer_class = CoerciveMeasureOut
    related = ("debrief",)
    filterset_class = record_filter(CoerciveMeasure, ["kind"])
    form_class = CoerciveMeasureForm
    service = staticmethod(event_services.coercive_measure_record)
    param = "measure"

    @extend_schema(
        request=form_serializer(DebriefForm, "DebriefRequest"),
        responses={200: CoerciveMeasureOut},
        description="Record the debrief conversation (done_on defaults to today, done_by to you).",
    )
    @action(detail=True, methods=["post"])
    def debrief(self, request, pk=None):
        measure = self.get_object()
        if not access.can_write_record(request.user, measure.client):
            raise Http404
        body = {"done_on": timezone.localdate(), "done_by": request.user.pk}
        body.update(request_object(request))
        form = valid_form(DebriefForm(form_data(DebriefForm, body), measure=measure))
        event_services.debrief_complete(
            measure=measure,
            actor=request.user,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(measure)


class CrisisViewSet(EditableEventViewSet):
    """Crises; PATCH adds the first response, who was mobilised and the outcome."""

    model = Crisis
    entity = "crisis"
    serializer_class = CrisisOut
    prefetch = ("mobilised_staff",)
    filterset_class = record_filter(Crisis)
    form_class = CrisisForm
    service = staticmethod(event_services.crisis_save)
    param = "crisis"

    def service_kwargs(self, form) -> dict[str, Any]:
        return {"mobilised_staff": form.cleaned_data["mobilised_staff"]}


class RelapseViewSet(EventViewSet):
    model = Relapse
    entity = "relapse"
    serializer_class = RelapseOut
    filterset_class = record_filter(Relapse)
    form_class = RelapseForm
    service = staticmethod(event_services.relapse_save)
    param = "relapse"


class AdverseEventViewSet(EventViewSet):
    model = AdverseEvent
    entity = "adverseevent"
    serializer_class = AdverseEventOut
    filterset_class = record_filter(AdverseEvent, ["kind"])
    form_class = AdverseEventForm
    service = staticmethod(event_services.adverse_event_save)
    param = "event"


class MilestoneViewSet(EventViewSet):
    model = Milestone
    entity = "milestone"
    serializer_class = MilestoneOut
    filterset_class = record_filter(Milestone, ["kind"])
    form_class = MilestoneForm
    service = staticmethod(event_services.milestone_save)
    param = "milestone"


class CaseAgencyViewSet(EventViewSet):
    """The agencies involved in a case."""

    model = CaseAgency
    entity = "caseagency"
    serializer_class = CaseAgencyOut
    filterset_class = record_filter(CaseAgency)
    form_class = CaseAgencyForm
    service = staticmethod(event_services.case_agency_save)
    param = "agency"


class ResponsibilityViewSet(EventViewSet):
    """Who is responsible for what in a case (the responsibility matrix)."""

    model = Responsibility
    entity = "responsibility"
    serializer_class = ResponsibilityOut
    filterset_class = record_filter(Responsibility, ["domain", "party"])
    form_class = ResponsibilityForm
    service = staticmethod(event_services.responsibility_save)
    param = "responsibility"


class AgencyRequestViewSet(EventViewSet):
    """Requests to agencies; POST …/respond/ records the agency's response."""

    model = AgencyRequest
    entity = "agencyrequest"
    serializer_class = AgencyRequestOut
    filterset_class = record_filter(AgencyRequest, ["case_agency"])
    form_class = AgencyRequestForm
    service = staticmethod(event_services.agency_request_save)
    param = "agency_request"

    @extend_schema(
        request=form_serializer(AgencyResponseForm, "AgencyResponseRequest"),
        responses={200: AgencyRequestOut},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        agency_request = self.get_object()
        if not access.can_write_record(request.user, agency_request.client):
            raise Http404
        form = valid_form(
            AgencyResponseForm(
                form_data(AgencyResponseForm, request_object(request)), instance=agency_request
            )
        )
        saved = event_services.agency_request_respond(
            agency_request=agency_request,
            actor=request.user,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(saved)


ConferenceActionIn = form_serializer(FollowUpActionForm, "ConferenceActionRequest")


class CaseConferenceViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Case conferences with their participants, decisions and follow-up actions."""

    model = CaseConference
    entity = "caseconference"
    serializer_class = CaseConferenceOut
    prefetch = ("staff", "support_people", "agencies", "actions")
    filterset_class = record_filter(CaseConference)
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            CaseConferenceForm,
            "CaseConferenceCreateRequest",
            extra={
                "client": serializers.IntegerField(help_text="The client's id."),
                "actions": ConferenceActionIn(many=True, required=False),
            },
        ),
        responses={201: CaseConferenceOut},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        client = client_for_write(request, body.pop("client", None))
        actions = body.pop("actions", [])
        if not isinstance(actions, list):
            raise ValidationError({"actions": ["Send a list of actions."]})
        form = CaseConferenceForm(form_data(CaseConferenceForm, body), client=client)
        action_forms = [
            FollowUpActionForm(form_data(FollowUpActionForm, a if isinstance(a, dict) else {}))
            for a in actions
        ]
        errors = form_errors(form) if not form.is_valid() else {}
        action_errors = [form_errors(f) if not f.is_valid() else {} for f in action_forms]
        if any(action_errors):
            errors["actions"] = action_errors
        if errors:
            raise ValidationError(errors)
        conference = event_services.case_conference_record(
            client=client,
            actor=request.user,
            conference=form.save(commit=False),
            staff=form.cleaned_data["staff"],
            support_people=form.cleaned_data["support_people"],
            agencies=form.cleaned_data["agencies"],
            actions=[f.cleaned_data for f in action_forms if f.cleaned_data.get("action")],
            origin=Origin.from_request(request),
        )
        return self.answer(conference, status.HTTP_201_CREATED)


class FollowUpActionViewSet(RecordViewSet):
    """Follow-up actions of case conferences: PATCH changes one, POST …/done/ marks it done."""

    model = FollowUpAction
    entity = "followupaction"
    client_path = "conference__client"
    serializer_class = FollowUpActionOut
    related = ("conference",)
    filterset_class = record_filter(
        FollowUpAction, ["conference"], client_path="conference__client"
    )
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _writable(self, request) -> FollowUpAction:
        followup = self.get_object()
        if not access.can_write_record(request.user, followup.conference.client):
            raise Http404
        return followup

    @extend_schema(
        request=form_serializer(FollowUpEditForm, "FollowUpActionPatchRequest"),
        responses={200: FollowUpActionOut},
    )
    def partial_update(self, request, *args, **kwargs):
        followup = self._writable(request)
        base = {f: getattr(followup, f) for f in ("action", "owner", "due_on", "done_on")}
        body = {**base, **request_object(request)}
        form = valid_form(FollowUpEditForm(form_data(FollowUpEditForm, body)))
        event_services.followup_update(
            followup=followup,
            actor=request.user,
            origin=Origin.from_request(request),
            **form.cleaned_data,
        )
        return self.answer(followup)

    @extend_schema(
        request=form_serializer(DoneForm, "DoneRequest"),
        responses={200: FollowUpActionOut},
        description="Mark the action done (today unless done_on says another day).",
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        followup = self._writable(request)
        body = {"done_on": timezone.localdate(), **request_object(request)}
        form = valid_form(DoneForm(form_data(DoneForm, body)))
        event_services.followup_mark_done(
            followup=followup,
            actor=request.user,
            done_on=form.cleaned_data["done_on"],
            origin=Origin.from_request(request),
        )
        return self.answer(followup)


class GroupSessionViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Group sessions of the user's teams, recorded once: each attendee gets a contact."""

    model = GroupSession
    entity = "groupsession"
    serializer_class = GroupSessionOut
    prefetch = ("contacts",)
    filterset_class = record_filter(GroupSession, ["team"], client_path="contacts__client")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        teams = access.visible_teams(self.request.user)
        return (
            GroupSession.objects.filter(team__in=teams)
            .prefetch_related("contacts")
            .order_by("-pk")
            .distinct()
        )

    def audit_view(self, request, obj):
        audit.record_many(
            action="groupsession.view",
            client_ids={c.client_id for c in obj.contacts.all()},
            target=obj,
            origin=Origin.from_request(request),
        )

    def list(self, request, *args, **kwargs):
        response = super(RecordViewSet, self).list(request, *args, **kwargs)
        audit.record_many(
            action="groupsession.list",
            client_ids={c for row in response.data["results"] for c in row["attendees"]},
            origin=Origin.from_request(request),
        )
        return response

    @extend_schema(
        request=form_serializer(
            GroupSessionForm,
            "GroupSessionCreateRequest",
            extra={"team": serializers.IntegerField(help_text="The team's id.")},
        ),
        responses={201: GroupSessionOut},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        try:
            team_pk = serializers.IntegerField().run_validation(body.pop("team", None))
        except ValidationError as exc:
            raise ValidationError({"team": exc.detail}) from exc
        team = get_object_or_404(access.visible_teams(request.user), pk=team_pk)
        attendees = (
            access.visible_clients(request.user)
            .filter(team=team, anonymised_at__isnull=True)
            .order_by("family_name", "given_name")
        )
        form = valid_form(
            GroupSessionForm(
                form_data(GroupSessionForm, body),
                client=Client(team=team),  # the form reads only the team: who may be staff
                attendee_queryset=attendees,
            )
        )
        session = event_services.group_session_record(
            team=team, actor=request.user, origin=Origin.from_request(request), **form.cleaned_data
        )
        return self.answer(session, status.HTTP_201_CREATED)


class ExitSurveyIn(serializers.Serializer):
    """The optional exit survey, answered by the client and stored without their identity."""

    coercion_experienced = serializers.ChoiceField(
        choices=ExitSurvey.Answer.choices, required=False
    )
    felt_respected = serializers.ChoiceField(choices=ExitSurvey.Answer.choices, required=False)
    advance_statement_upheld = serializers.ChoiceField(
        choices=ExitSurvey.Answer.choices, required=False
    )
    peer_support_offered = serializers.ChoiceField(
        choices=ExitSurvey.Answer.choices, required=False
    )
    community_inclusion = serializers.ChoiceField(choices=ExitSurvey.Answer.choices, required=False)


class DischargeViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Closed episodes (the episode's end, reason and handover); POST closes an episode."""

    model = Discharge
    entity = "discharge"
    client_path = "episode__client"
    serializer_class = DischargeOut
    related = ("episode",)
    filterset_class = record_filter(Discharge, ["episode"], client_path="episode__client")
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=form_serializer(
            DischargeForm,
            "DischargeCreateRequest",
            extra={
                "episode": serializers.IntegerField(help_text="The open episode's id."),
                "survey": ExitSurveyIn(required=False),
            },
        ),
        responses={201: DischargeOut},
    )
    def create(self, request, *args, **kwargs):
        body = request_object(request)
        try:
            episode_pk = serializers.IntegerField().run_validation(body.pop("episode", None))
        except ValidationError as exc:
            raise ValidationError({"episode": exc.detail}) from exc
        episode = get_object_or_404(
            access.scoped(Episode.objects.select_related("client"), request.user, via="client"),
            pk=episode_pk,
        )
        if not access.can_write_record(request.user, episode.client):
            raise Http404
        survey_body = body.pop("survey", None) or {}
        if not isinstance(survey_body, dict):
            raise ValidationError({"survey": ["Send an object of answers."]})
        form = DischargeForm(form_data(DischargeForm, body), episode=episode)
        survey = ExitSurveyForm({f"survey-{k}": v for k, v in survey_body.items()})
        errors = form_errors(form) if not form.is_valid() else {}
        if not survey.is_valid():
            errors["survey"] = form_errors(survey)
        if errors:
            raise ValidationError(errors)
        event_services.episode_discharge(
            episode=episode,
            actor=request.user,
            origin=Origin.from_request(request),
            survey={k: v for k, v in survey.cleaned_data.items() if v},
            **form.cleaned_data,
        )
        return self.answer(Discharge.objects.get(episode=episode), status.HTTP_201_CREATED)


for _view, _name, _form, _patch in [
    (HospitalStayViewSet, "HospitalStay", HospitalStayForm, True),
    (CoerciveMeasureViewSet, "CoerciveMeasure", CoerciveMeasureForm, False),
    (CrisisViewSet, "Crisis", CrisisForm, True),
    (RelapseViewSet, "Relapse", RelapseForm, False),
    (AdverseEventViewSet, "AdverseEvent", AdverseEventForm, False),
    (MilestoneViewSet, "Milestone", MilestoneForm, False),
    (CaseAgencyViewSet, "CaseAgency", CaseAgencyForm, False),
    (ResponsibilityViewSet, "Responsibility", ResponsibilityForm, False),
    (AgencyRequestViewSet, "AgencyRequest", AgencyRequestForm, False),
]:
    document_writes(_view, name=_name, form_class=_form, patch=_patch)
