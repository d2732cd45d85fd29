"""The core record: teams, people, clients, episodes, contacts, events and the audit log."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def not_in_future(value: date) -> None:
    """Reject a date after today (local time)."""
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


def not_in_future_dt(value) -> None:
    """Reject a moment later than now (a minute of clock skew allowed)."""
    if value and value > timezone.now() + timezone.timedelta(minutes=1):
        raise ValidationError(_("The time cannot be in the future."), code="future_time")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=45, help_text=_("Active episodes before accepted referrals wait.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Worker (mental-health professional)")
    PEER = "peer", _("Worker (expert by experience)")
    SUPERVISOR = "supervisor", _("Supervisor")
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Referral partner")
    ADMIN = "admin", _("Administrator")


WORKER_ROLES = frozenset({Role.PROFESSIONAL, Role.PEER})
TEAM_ROLES = frozenset({Role.PROFESSIONAL, Role.PEER, Role.SUPERVISOR})


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PROFESSIONAL
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=_("teams")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
        help_text=_("For coordinators and referral partners."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source_ref = models.CharField(max_length=100, blank=True, db_index=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_worker(self) -> bool:
        return self.role in WORKER_ROLES

    @property
    def is_team_member(self) -> bool:
        return self.role in TEAM_ROLES


class Tandem(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tandems")
    professional = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="tandems_as_professional",
        verbose_name=_("professional"),
    )
    peer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="tandems_as_peer",
        verbose_name=_("peer worker"),
    )
    started_on = models.DateField(_("started on"), default=date.today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["team", "professional__last_name"]
        verbose_name = _("tandem")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="tandem_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional.get_full_name() or self.professional} & {self.peer.get_full_name() or self.peer}"

    def member_ids(self) -> set[int]:
        return {self.professional_id, self.peer_id}


def new_client_code() -> str:
    """Return a pseudonymous code for reports: no name, no date, not guessable."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "C-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Housing(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    HOMELESS_STREET = "street", _("Homeless (street)")
    SHELTER = "shelter", _("Shelter or hostel")
    TEMPORARY = "temporary", _("Temporary (friends, family)")
    RENTED = "rented", _("Rented home")
    OWN = "own", _("Own home")
    SUPPORTED = "supported", _("Supported housing")
    INSTITUTION = "institution", _("Institution")


class DocumentStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    VALID = "valid", _("Valid identity document")
    EXPIRED = "expired", _("Expired")
    NONE = "none", _("No identity document")


class IncomeStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    NONE = "none", _("No income")
    BENEFITS = "benefits", _("Benefits or pension")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class ClientQuerySet(models.QuerySet):
    pass


class Client(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="clients", verbose_name=_("team")
    )
    tandem = models.ForeignKey(
        Tandem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("tandem"),
    )
    code = models.CharField(
        _("pseudonymous code"), max_length=12, unique=True, default=new_client_code, editable=False
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    known_as = models.CharField(_("known as"), max_length=100, blank=True)
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[not_in_future]
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    whereabouts = models.TextField(
        _("whereabouts"), blank=True, help_text=_("Where the team can usually find the client.")
    )
    housing = models.CharField(
        _("housing"), max_length=20, choices=Housing.choices, default=Housing.UNKNOWN
    )
    documents = models.CharField(
        _("identity documents"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.UNKNOWN,
    )
    income = models.CharField(
        _("income"), max_length=20, choices=IncomeStatus.choices, default=IncomeStatus.UNKNOWN
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="bg"
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_ref = models.CharField(max_length=100, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "source_ref"],
                condition=~Q(source_ref=""),
                name="client_unique_source_ref",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("outreach:client-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class SupportPerson(models.Model):
    class Relation(models.TextChoices):
        CARER = "carer", _("Carer")
        TRUSTED = "trusted_person", _("Trusted person")
        FRIEND = "friend", _("Friend")
        FAMILY = "family", _("Family member")
        OTHER = "other", _("Other")

    class Involvement(models.TextChoices):
        INVOLVE = "involve", _("Involve")
        DO_NOT_CONTACT = "do_not_contact", _("Do not contact")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="support_people")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    relation_detail = models.CharField(_("relation (in words)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    involvement = models.CharField(
        _("involvement"), max_length=20, choices=Involvement.choices, default=Involvement.INVOLVE
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support person")
        verbose_name_plural = _("support people")

    def __str__(self) -> str:
        return self.name

    @property
    def do_not_contact(self) -> bool:
        return self.involvement == self.Involvement.DO_NOT_CONTACT


class Consent(models.Model):
    class RecipientKind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        PERSON = "person", _("Person")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    recipient_kind = models.CharField(
        _("recipient is"),
        max_length=10,
        choices=RecipientKind.choices,
        default=RecipientKind.AGENCY,
    )
    recipient = models.CharField(_("shared with"), max_length=200)
    support_person = models.ForeignKey(
        SupportPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    scope = models.CharField(_("what may be shared"), max_length=300)
    given_on = models.DateField(_("given on"), validators=[not_in_future])
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[not_in_future]
    )

    class Meta:
        ordering = ["-given_on"]
        verbose_name = _("consent")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.scope}"

    def clean(self) -> None:
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")},
                code="withdrawn_before_given",
            )

    def is_active_on(self, day: date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    TRANSFERRED = "transferred", _("Transferred")
    MOVED_AWAY = "moved_away", _("Moved away")
    CLIENT_ENDED = "client_ended", _("Client ended the relationship")
    DISENGAGED = "disengaged", _("Disengaged")
    DECLINED_SERVICE = "declined_service", _("Declined service")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class Episode(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    tandem = models.ForeignKey(
        Tandem, on_delete=models.SET_NULL, null=True, blank=True, related_name="episodes"
    )
    started_on = models.DateField(_("started on"), validators=[not_in_future])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[not_in_future])
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    source_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("episode")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.client} {self.started_on}–{self.ended_on or ''}"

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = ValidationError(
                _("An episode cannot end before it starts."), code="end_before_start"
            )
        if self.ended_on and not self.discharge_reason:
            errors["discharge_reason"] = ValidationError(
                _("Give the reason the episode ended."), code="reason_required"
            )
        if not self.ended_on and self.discharge_reason:
            errors["discharge_reason"] = ValidationError(
                _("An open episode has no discharge reason."), code="reason_without_end"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("contact")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=1440), name="contact_minutes_max_day"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-started_at"]),
            models.Index(fields=["started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.duration_minutes is not None and not 0 <= self.duration_minutes <= 1440:
            errors["duration_minutes"] = ValidationError(
                _("Minutes must be between 0 and 1440."), code="minutes_range"
            )
        if self.mode != self.Mode.FACE_TO_FACE and self.location:
            errors["location"] = ValidationError(
                _("A location is only recorded for face-to-face contacts."),
                code="location_not_face_to_face",
            )
        if self.outcome == self.Outcome.MET and self.failure_reason:
            errors["failure_reason"] = ValidationError(
                _("A contact that met the client has no failure reason."), code="reason_when_met"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_seen(self) -> bool:
        return self.mode == self.Mode.FACE_TO_FACE and self.outcome == self.Outcome.MET


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

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("group session")

    def __str__(self) -> str:
        return self.title


# --- Events of the case record (see DESIGN §2, §2a and INDICATORS.md) ---------------------------


class LegalStatus(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    INVOLUNTARY = "involuntary", _("Involuntary")


class HospitalStay(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="hospital_stays")
    admitted_on = models.DateField(_("admitted on"), validators=[not_in_future])
    discharged_on = models.DateField(
        _("discharged on"), null=True, blank=True, validators=[not_in_future]
    )
    hospital = models.CharField(_("hospital"), max_length=200, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    pre_intake = models.BooleanField(
        _("before intake"),
        default=False,
        help_text=_("Recorded at intake as part of the previous 12 months."),
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_on"]
        verbose_name = _("hospital stay")
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_discharge_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["admitted_on"])]

    def __str__(self) -> str:
        return f"{self.client} {self.admitted_on}"

    def clean(self) -> None:
        if self.admitted_on and self.discharged_on and self.discharged_on < self.admitted_on:
            raise ValidationError(
                {"discharged_on": _("Discharge cannot be before admission.")},
                code="discharge_before_admission",
            )


class Relapse(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relapses")
    onset_on = models.DateField(_("onset on"), validators=[not_in_future])
    signs = models.TextField(_("early signs noticed"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-onset_on"]
        verbose_name = _("relapse")

    def __str__(self) -> str:
        return f"{self.client} {self.onset_on}"


class Crisis(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="crises")
    reported_at = models.DateTimeField(_("reported at"), validators=[not_in_future_dt])
    first_response_at = models.DateTimeField(
        _("first response at"), null=True, blank=True, validators=[not_in_future_dt]
    )
    outcome = models.TextField(_("outcome"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=models.F("reported_at")),
                name="crisis_response_after_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.reported_at:%Y-%m-%d}"

    def clean(self) -> None:
        if (
            self.reported_at
            and self.first_response_at
            and self.first_response_at < self.reported_at
        ):
            raise ValidationError(
                {
                    "first_response_at": _(
                        "The first response cannot be before the crisis was reported."
                    )
                },
                code="response_before_report",
            )


class CoerciveMeasure(models.Model):
    class Kind(models.TextChoices):
        SECLUSION = "seclusion", _("Seclusion")
        PHYSICAL = "physical_restraint", _("Physical restraint")
        MECHANICAL = "mechanical_restraint", _("Mechanical restraint")
        CHEMICAL = "chemical_restraint", _("Chemical restraint")
        FORCED_MEDICATION = "forced_medication", _("Forced medication")
        INVOLUNTARY_TREATMENT = "involuntary_treatment", _("Involuntary treatment")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="coercive_measures")
    started_at = models.DateTimeField(_("when"), validators=[not_in_future_dt])
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    debriefed_on = models.DateField(
        _("debriefed on"), null=True, blank=True, validators=[not_in_future]
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("coercive measure")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class AgencyRequest(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agency_requests")
    agency = models.CharField(_("agency"), max_length=200)
    request = models.TextField(_("what was asked"), blank=True)
    sent_on = models.DateField(_("sent on"), validators=[not_in_future])
    responded_on = models.DateField(
        _("responded on"), null=True, blank=True, validators=[not_in_future]
    )
    outcome = models.TextField(_("outcome"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = _("agency request")
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=models.F("sent_on")),
                name="agency_response_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.sent_on}"

    def clean(self) -> None:
        if self.sent_on and self.responded_on and self.responded_on < self.sent_on:
            raise ValidationError(
                {"responded_on": _("A response cannot come before the request was sent.")},
                code="response_before_request",
            )


class Milestone(models.Model):
    class Kind(models.TextChoices):
        ID_DOCUMENT = "id_document", _("Identity document obtained")
        BENEFITS = "benefits", _("Benefits granted")
        HOUSING = "housing", _("Housing secured")
        WORK_OR_EDUCATION = "work_or_education", _("Work or education started")
        FAMILY_RECONNECTED = "family_reconnected", _("Family reconnected")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    achieved_on = models.DateField(_("achieved on"), validators=[not_in_future])
    note = models.TextField(_("note"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-achieved_on"]
        verbose_name = _("milestone")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.achieved_on}"


# --- Audit ---------------------------------------------------------------------------------------


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One read or change of protected data. Append-only (ORM guard plus a PostgreSQL trigger)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
