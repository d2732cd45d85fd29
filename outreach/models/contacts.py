"""Contacts with a client, the interventions delivered, and group sessions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future_dt
from outreach.models.people import Client, Team, User

# How long a contact (and a group session) may last: 0 for a brief failed attempt, at most a day.
CONTACT_MINUTES = (0, 1440)
# The longest travel to one contact that is plausible: 10 hours, 1000 km.
TRAVEL_MINUTES_MAX = 600
TRAVEL_KM_MAX = 1000
# A contact "sees" the client when it was face to face and the client was met. Plain values, as
# the partial index below needs them before `Contact` exists; `SEEN_CONTACT` is the filter.
SEEN_FIELDS = {"mode": "face_to_face", "outcome": "met"}


def validate_contact_minutes(value: int | None) -> None:
    """Reject a duration outside CONTACT_MINUTES."""
    low, high = CONTACT_MINUTES
    if value is not None and not low <= value <= high:
        raise ValidationError(
            _("Minutes must be between %(low)d and %(high)d.") % {"low": low, "high": high},
            code="minutes_range",
        )


class Intervention(models.Model):
    """An intervention a contact can deliver; admins extend the list."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_bg = models.CharField(_("name in Bulgarian"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("intervention")

    def __str__(self) -> str:
        if get_language() == "bg" and self.name_bg:
            return self.name_bg
        return self.name


class Contact(models.Model):
    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Face to face")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        MESSAGE = "message", _("Message")

    class Location(models.TextChoices):
        CLIENT_HOME = "client_home", _("Client's home")
        STREET = "street", _("Street")
        HOSPITAL = "hospital", _("Hospital")
        TEAM_OFFICE = "team_office", _("Team office")
        OTHER_SERVICE = "other_service", _("Other service")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    class FailureReason(models.TextChoices):
        NOT_FOUND = "not_found", _("Not found")
        REFUSED = "refused", _("Refused")
        WALKED_AWAY = "walked_away", _("Walked away")
        NO_ANSWER = "no_answer", _("No answer")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="authored_contacts"
    )
    started_at = models.DateTimeField(_("when"), validators=[not_in_future_dt])
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=30)
    mode = models.CharField(
        _("mode"), max_length=20, choices=Mode.choices, default=Mode.FACE_TO_FACE
    )
    location = models.CharField(_("location"), max_length=20, choices=Location.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.MET
    )
    failure_reason = models.CharField(
        _("why not met"), max_length=20, choices=FailureReason.choices, blank=True
    )
    staff = models.ManyToManyField(
        User, blank=True, related_name="contacts_present", verbose_name=_("staff present")
    )
    informal_support_present = models.BooleanField(
        _("carer or informal support present"), default=False
    )
    interventions = models.ManyToManyField(
        Intervention, blank=True, related_name="contacts", verbose_name=_("interventions delivered")
    )
    group_session = models.ForeignKey(
        "GroupSession", on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    note = models.TextField(_("note"), blank=True)
    # Travel to and from the contact (costs, issue 19): optional, internal figures only.
    travel_minutes = models.PositiveSmallIntegerField(
        _("travel time (min)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(TRAVEL_MINUTES_MAX)],
    )
    travel_km = models.DecimalField(
        _("travel distance (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(TRAVEL_KM_MAX))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("contact")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=CONTACT_MINUTES[1]),
                name="contact_minutes_max_day",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-started_at"]),
            models.Index(fields=["started_at"]),
            # Seen contacts (face to face, met) of a client in time order: the indicator engine's
            # "first contact after referral", "not seen in 30 days" and similar lookups.
            models.Index(
                fields=["client", "started_at"],
                condition=Q(**SEEN_FIELDS),
                name="contact_seen_client_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        errors = {}
        try:
            validate_contact_minutes(self.duration_minutes)
        except ValidationError as exc:
            errors["duration_minutes"] = exc
        if self.mode != self.Mode.FACE_TO_FACE and self.location:
            errors["location"] = ValidationError(
                _("A location is only recorded for face-to-face contacts."),
                code="location_not_face_to_face",
            )
        if self.outcome == self.Outcome.MET and self.failure_reason:
            errors["failure_reason"] = ValidationError(
                _("A contact that met the client has no failure reason."), code="reason_when_met"
            )
        if self.outcome == self.Outcome.NOT_MET and not self.failure_reason:
            errors["failure_reason"] = ValidationError(
                _("Say why the client was not met."), code="reason_when_not_met"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_seen(self) -> bool:
        """Tell whether this contact saw the client (the same rule as `SEEN_CONTACT`)."""
        return all(getattr(self, name) == value for name, value in SEEN_FIELDS.items())


# The filter of seen contacts, for querysets, aggregates and the indicator engine alike.
SEEN_CONTACT = Q(**SEEN_FIELDS)


class GroupSession(models.Model):
    """One session with several clients; each attendee gets a contact of their own."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="group_sessions")
    title = models.CharField(_("title"), max_length=200)
    started_at = models.DateTimeField(_("when"), validators=[not_in_future_dt])
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=60)
    location = models.CharField(
        _("location"),
        max_length=20,
        choices=Contact.Location.choices,
        default=Contact.Location.OTHER,
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("group session")

    def __str__(self) -> str:
        return self.title
