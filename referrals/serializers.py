"""API input and output shapes of referrals; fields listed explicitly."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from outreach.dates import not_in_future
from outreach.models import Municipality, Sex
from referrals.models import Referral, Source


class ReferralInSerializer(serializers.Serializer):
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(), required=False
    )
    source = serializers.ChoiceField(choices=Source.choices)
    source_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True, validators=[not_in_future])
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
        if not any(attrs.get(f) for f in ("given_name", "family_name", "whereabouts", "phone")):
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

    criteria_version = serializers.StringRelatedField()

    class Meta(ReferralOutSerializer.Meta):
        fields = [*ReferralOutSerializer.Meta.fields, "score", "eligible", "criteria_version"]
        read_only_fields = fields
