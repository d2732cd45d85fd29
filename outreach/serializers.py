"""API input and output shapes of the core record; fields listed explicitly."""

from __future__ import annotations

from rest_framework import serializers

from outreach.dates import not_in_future_dt
from outreach.models import (
    Client,
    Contact,
    Episode,
    Intervention,
    User,
    validate_contact_minutes,
)


class ClientOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = [
            "id",
            "code",
            "team",
            "tandem",
            "given_name",
            "family_name",
            "known_as",
            "birth_date",
            "sex",
            "phone",
            "whereabouts",
            "housing",
            "documents",
            "income",
            "preferred_language",
            "interpreter_needed",
            "interpreter_language",
        ]
        read_only_fields = fields


class EpisodeOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Episode
        fields = ["id", "client", "tandem", "started_on", "ended_on", "discharge_reason"]
        read_only_fields = fields


class ContactOutSerializer(serializers.ModelSerializer):
    staff = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    interventions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "author",
            "started_at",
            "duration_minutes",
            "mode",
            "location",
            "outcome",
            "failure_reason",
            "staff",
            "informal_support_present",
            "interventions",
            "note",
        ]
        read_only_fields = fields


class ContactInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    started_at = serializers.DateTimeField(validators=[not_in_future_dt])
    duration_minutes = serializers.IntegerField(validators=[validate_contact_minutes])
    mode = serializers.ChoiceField(choices=Contact.Mode.choices)
    location = serializers.ChoiceField(
        choices=Contact.Location.choices, required=False, allow_blank=True, default=""
    )
    outcome = serializers.ChoiceField(choices=Contact.Outcome.choices)
    failure_reason = serializers.ChoiceField(
        choices=Contact.FailureReason.choices, required=False, allow_blank=True, default=""
    )
    staff = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False, default=list
    )
    informal_support_present = serializers.BooleanField(required=False, default=False)
    interventions = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Intervention.objects.filter(active=True),
        required=False,
        default=list,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
