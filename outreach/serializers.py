"""API input and output shapes of the core record; fields listed explicitly."""

from __future__ import annotations

from decimal import Decimal

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
from outreach.models.contacts import TRAVEL_KM_MAX, TRAVEL_MINUTES_MAX
from outreach.staff import team_staff


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
            "travel_minutes",
            "travel_km",
        ]
        read_only_fields = fields


class TeamStaffField(serializers.PrimaryKeyRelatedField):
    """An active worker or supervisor of the client's team (`outreach.staff.team_staff`).

    The team comes from the serializer's context. Any other id (a user of another team, an
    inactive member, an id that does not exist) gets DRF's one "Invalid pk" error, which names
    nobody, so the API never tells a caller who another id belongs to.
    """

    def get_queryset(self):
        team = self.context.get("team")
        return team_staff(team) if team is not None else User.objects.none()


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
    staff = TeamStaffField(
        many=True,
        queryset=User.objects.none(),  # the model, for the schema; get_queryset() chooses
        required=False,
        default=list,
        help_text=(
            "Ids of the staff present: active workers and supervisors of the client's team. "
            "Any other id is refused as an invalid pk."
        ),
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
    travel_minutes = serializers.IntegerField(
        min_value=0, max_value=TRAVEL_MINUTES_MAX, required=False, allow_null=True, default=None
    )
    travel_km = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(TRAVEL_KM_MAX),
        required=False,
        allow_null=True,
        default=None,
    )
