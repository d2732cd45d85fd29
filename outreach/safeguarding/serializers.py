"""API output shapes of risk, decisions, guardianship, complaints and training.

The input is the pages' forms (outreach/safeguarding/forms.py), bound in
outreach/safeguarding/api.py.
"""

from __future__ import annotations

from rest_framework import serializers

from outreach.models import (
    Complaint,
    GuardianshipStatus,
    RiskAssessment,
    RiskDomain,
    SupervisionSession,
    SupportedDecision,
    Training,
)


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
            "updated_at",
            "domains",
        ]
        read_only_fields = fields


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
            "updated_at",
        ]
        read_only_fields = fields


class GuardianshipOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuardianshipStatus
        fields = ["id", "client", "status", "since", "guardian", "decided_by", "note", "author"]
        fields += ["updated_at"]
        read_only_fields = fields


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
            "updated_at",
        ]
        read_only_fields = fields


class TrainingOutSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Training
        fields = ["id", "team", "kind", "title", "held_on", "hours", "provider", "attendees"]
        fields += ["updated_at"]
        read_only_fields = fields


class SupervisionSessionOutSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SupervisionSession
        fields = ["id", "team", "kind", "held_on", "supervisor_name", "attendees", "topics"]
        fields += ["updated_at"]
        read_only_fields = fields
