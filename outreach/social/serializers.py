"""API input and output shapes of the living situation, carers and costs; fields listed explicitly."""

from __future__ import annotations

from rest_framework import serializers

from outreach.dates import not_in_future
from outreach.models import LivingDomain, LivingStatus


class LivingStatusOutSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = LivingStatus
        fields = ["id", "client", "domain", "status", "label", "since", "note", "recorded_by"]
        read_only_fields = fields


class LivingStatusInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    domain = serializers.ChoiceField(choices=LivingDomain.choices)
    status = serializers.CharField(max_length=20, help_text="A status of the domain's list.")
    since = serializers.DateField(validators=[not_in_future])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
