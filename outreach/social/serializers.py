"""API output shapes of the living situation, carers and costs; fields listed explicitly.

The input is the pages' forms (outreach/social/forms.py), bound in outreach/social/api.py.
"""

from __future__ import annotations

from rest_framework import serializers

from outreach.models import Carer, CarerNeedsReview, LivingStatus, Spending


class LivingStatusOutSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = LivingStatus
        fields = ["id", "client", "domain", "status", "label", "since", "note", "recorded_by"]
        fields += ["updated_at"]
        read_only_fields = fields


class CarerOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="support_person.name", read_only=True)

    class Meta:
        model = Carer
        fields = [
            "id",
            "client",
            "support_person",
            "name",
            "kind",
            "frequency",
            "hours_per_week",
            "since",
            "note",
            "recorded_on",
            "updated_at",
        ]
        read_only_fields = fields


class CarerReviewOutSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="carer.client_id", read_only=True)

    class Meta:
        model = CarerNeedsReview
        fields = ["id", "carer", "client", "reviewed_on", "needs", "support_offered", "reviewed_by"]
        fields += ["updated_at"]
        read_only_fields = fields


class SpendingOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Spending
        fields = [
            "id",
            "client",
            "spent_on",
            "amount",
            "currency",
            "purpose",
            "note",
            "recorded_by",
            "updated_at",
        ]
        read_only_fields = fields
