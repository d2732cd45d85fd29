"""API input and output shapes of the living situation, carers and costs; fields listed explicitly."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from outreach.dates import not_in_future
from outreach.models import (
    Carer,
    CarerNeedsReview,
    LivingDomain,
    LivingStatus,
    Spending,
    SupportPerson,
)


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
        ]
        read_only_fields = fields


class CarerInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    support_person = serializers.IntegerField(
        help_text="A person of the client's support network (not do-not-contact)."
    )
    kind = serializers.ChoiceField(choices=Carer.Kind.choices)
    frequency = serializers.ChoiceField(choices=Carer.Frequency.choices)
    hours_per_week = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    since = serializers.DateField(validators=[not_in_future], required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_support_person(self, value: int) -> SupportPerson:
        client = self.context.get("client")
        person = SupportPerson.objects.filter(pk=value, client=client).first()
        if person is None:
            # Another client's person gets the same answer as an id that does not exist.
            raise serializers.ValidationError("Not a person of this client's support network.")
        return person


class CarerReviewOutSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="carer.client_id", read_only=True)

    class Meta:
        model = CarerNeedsReview
        fields = ["id", "carer", "client", "reviewed_on", "needs", "support_offered", "reviewed_by"]
        read_only_fields = fields


class CarerReviewInSerializer(serializers.Serializer):
    carer = serializers.IntegerField()
    reviewed_on = serializers.DateField(validators=[not_in_future])
    needs = serializers.CharField()
    support_offered = serializers.CharField(required=False, allow_blank=True, default="")


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
        ]
        read_only_fields = fields


class SpendingInSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    spent_on = serializers.DateField(validators=[not_in_future])
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="In the currency of the installation (OUTREACH_CURRENCY).",
    )
    purpose = serializers.ChoiceField(choices=Spending.Purpose.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
