"""API input and output shapes of referrals; fields listed explicitly."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from outreach.dates import not_in_future
from outreach.models import Sex
from outreach.schema import NOT_BLANK
from referrals.models import Referral, Source

# The person must be findable: at least one of these is given (ReferralInSerializer.validate).
FINDABLE_BY = ("given_name", "family_name", "whereabouts", "phone")


class ReferralInSerializer(serializers.Serializer):
    # Resolved by the view among the municipalities the user may refer to; any other is a 404.
    municipality = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Needed only by a user who may refer to several municipalities.",
    )
    source = serializers.ChoiceField(choices=Source.choices)
    source_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[not_in_future],
        help_text="Not in the future (a later date is answered 400).",
    )
    approximate_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    whereabouts = serializers.CharField(required=False, allow_blank=True)
    reasons = serializers.CharField()
    urgent = serializers.BooleanField(required=False, default=False)
    person_knows = serializers.BooleanField(required=False, default=False)
    person_agrees = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if not any(attrs.get(f) for f in FINDABLE_BY):
            raise serializers.ValidationError(
                _("Give at least a name, a phone or where the person can be found.")
            )
        return attrs


class ReferralOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "municipality",
            "received_at",
            "source",
            "source_organisation",
            "referrer_name",
            "given_name",
            "family_name",
            "birth_date",
            "approximate_age",
            "sex",
            "phone",
            "whereabouts",
            "reasons",
            "urgent",
            "person_knows",
            "person_agrees",
            "status",
            "decided_at",
            "decision_reason",
            "team",
        ]
        read_only_fields = fields


class ReferralTriageOutSerializer(ReferralOutSerializer):
    """What coordinators and supervisors see in addition: the score and its version."""

    criteria_version = serializers.StringRelatedField(allow_null=True)

    class Meta(ReferralOutSerializer.Meta):
        fields = [*ReferralOutSerializer.Meta.fields, "score", "eligible", "criteria_version"]
        read_only_fields = fields


class ReferralInSchema(OpenApiSerializerExtension):
    """Say in the schema what `validate` asks: at least one way to find the person."""

    target_class = ReferralInSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["anyOf"] = [
            {"required": [name], "properties": {name: {"pattern": NOT_BLANK}}}
            for name in FINDABLE_BY
        ]
        return schema


TRIAGE_FIELDS = ("score", "eligible", "criteria_version")


class ReferralTriageOutSchema(OpenApiSerializerExtension):
    """One shape for every referral answer: the triage fields come only to those who triage."""

    target_class = ReferralTriageOutSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [f for f in schema.get("required", []) if f not in TRIAGE_FIELDS]
        # A referral screened under no criteria version has none.
        schema["properties"]["criteria_version"]["nullable"] = True
        for name in TRIAGE_FIELDS:
            schema["properties"][name]["description"] = (
                "Only for coordinators and supervisors, who triage referrals."
            )
        return schema

    def get_name(self, auto_schema, direction):
        return "Referral"
