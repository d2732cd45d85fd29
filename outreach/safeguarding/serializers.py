"""API input and output shapes of risk, decisions, guardianship, complaints and training."""

from __future__ import annotations

from rest_framework import serializers

from outreach.dates import not_in_future
from outreach.models import (
    Complaint,
    Crisis,
    GuardianshipStatus,
    HospitalStay,
    RiskAssessment,
    RiskDomain,
    RiskDomainKind,
    RiskReviewReason,
    SupervisionSession,
    SupportedDecision,
    SupportPerson,
    Training,
    TrainingKind,
    User,
)
from outreach.staff import team_staff


class RiskDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskDomain
        fields = ["domain", "known", "client_view", "what_helps", "plan"]
        read_only_fields = fields


class RiskAssessmentOutSerializer(serializers.ModelSerializer):
    domains = RiskDomainSerializer(many=True, read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "client",
            "episode",
            "version",
            "assessed_on",
            "reason",
            "crisis",
            "hospital_stay",
            "summary",
            "written_with_client",
            "client_comment",
            "author",
            "created_at",
            "domains",
        ]
        read_only_fields = fields


class RiskDomainInSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=RiskDomainKind.choices)
    known = serializers.CharField(required=False, allow_blank=True, default="")
    client_view = serializers.CharField(required=False, allow_blank=True, default="")
    what_helps = serializers.CharField(required=False, allow_blank=True, default="")
    plan = serializers.CharField(required=False, allow_blank=True, default="")


class ClientRowField(serializers.PrimaryKeyRelatedField):
    """A row (a crisis, a stay, a support person) of the client named in the context."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        client = self.context.get("client")
        return self.model.objects.filter(client=client) if client else self.model.objects.none()


class RiskAssessmentInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    assessed_on = serializers.DateField(validators=[not_in_future])
    reason = serializers.ChoiceField(choices=RiskReviewReason.choices)
    crisis = ClientRowField(Crisis)
    hospital_stay = ClientRowField(HospitalStay)
    summary = serializers.CharField()
    written_with_client = serializers.BooleanField(required=False, default=True)
    client_comment = serializers.CharField(required=False, allow_blank=True, default="")
    domains = RiskDomainInSerializer(many=True)

    def validate_domains(self, value):
        kinds = [d["domain"] for d in value]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError("Each domain at most once.")
        return value


class SupportedDecisionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportedDecision
        fields = [
            "id",
            "client",
            "decided_on",
            "decision",
            "will_and_preferences",
            "support_person",
            "staff_supporter",
            "other_supporter",
            "followed",
            "followed_note",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class TeamStaffOfClientField(serializers.PrimaryKeyRelatedField):
    """An active worker or supervisor of the client's team; any other id is an invalid pk."""

    def get_queryset(self):
        client = self.context.get("client")
        return team_staff(client.team_id) if client else User.objects.none()


class SupportedDecisionInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    decided_on = serializers.DateField(validators=[not_in_future])
    decision = serializers.CharField()
    will_and_preferences = serializers.CharField()
    support_person = ClientRowField(SupportPerson)
    staff_supporter = TeamStaffOfClientField(
        queryset=User.objects.none(), required=False, allow_null=True, default=None
    )
    other_supporter = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    followed = serializers.ChoiceField(
        choices=SupportedDecision.Followed.choices, required=False, default="pending"
    )
    followed_note = serializers.CharField(required=False, allow_blank=True, default="")


class GuardianshipOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuardianshipStatus
        fields = ["id", "client", "status", "since", "guardian", "decided_by", "note", "author"]
        read_only_fields = fields


class GuardianshipInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    status = serializers.ChoiceField(choices=GuardianshipStatus.Status.choices)
    since = serializers.DateField(validators=[not_in_future])
    guardian = ClientRowField(SupportPerson)
    decided_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "client",
            "received_on",
            "about_kind",
            "about",
            "complaint",
            "response",
            "responded_on",
            "outcome",
            "closed_on",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class ComplaintInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    received_on = serializers.DateField(validators=[not_in_future])
    about_kind = serializers.ChoiceField(choices=Complaint.About.choices)
    about = serializers.CharField(max_length=200)
    complaint = serializers.CharField()
    response = serializers.CharField(required=False, allow_blank=True, default="")
    responded_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[not_in_future]
    )
    outcome = serializers.ChoiceField(
        choices=Complaint.Outcome.choices, required=False, allow_blank=True, default=""
    )
    closed_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[not_in_future]
    )


class TrainingOutSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Training
        fields = ["id", "team", "kind", "title", "held_on", "hours", "provider", "attendees"]
        read_only_fields = fields


class SupervisionSessionOutSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SupervisionSession
        fields = ["id", "team", "kind", "held_on", "supervisor_name", "attendees", "topics"]
        read_only_fields = fields


class TeamMembersField(serializers.PrimaryKeyRelatedField):
    """Active workers and supervisors of the team in the context; any other id is invalid."""

    def get_queryset(self):
        team = self.context.get("team")
        return team_staff(team) if team else User.objects.none()


class TrainingInSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField(validators=[not_in_future])
    hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    provider = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    attendees = TeamMembersField(many=True, queryset=User.objects.none())


class SupervisionSessionInSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SupervisionSession.Kind.choices, default="group")
    held_on = serializers.DateField(validators=[not_in_future])
    supervisor_name = serializers.CharField(max_length=200)
    attendees = TeamMembersField(many=True, queryset=User.objects.none())
    topics = serializers.CharField(required=False, allow_blank=True, default="")
