"""The core record: teams, people, clients, episodes, contacts, events and the audit log."""

from __future__ import annotations

import secrets
import uuid
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
    country = models.CharField(
        _("country"),
        max_length=2,
        default="BG",
        help_text=_("ISO 3166 code; chooses the legal bases offered for admissions and coercion."),
    )

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
            # Seen contacts (face to face, met) of a client in time order: the indicator engine's
            # "first contact after referral", "not seen in 30 days" and similar lookups.
            models.Index(
                fields=["client", "started_at"],
                condition=Q(mode="face_to_face", outcome="met"),
                name="contact_seen_client_idx",
            ),
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


class LegalBasis(models.Model):
    """A legal basis for an admission or a coercive measure, as data per country."""

    country = models.CharField(_("country"), max_length=2, default="BG")
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    label_bg = models.CharField(_("label in Bulgarian"), max_length=200, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["country", "order", "label"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="legal_basis_unique_code"),
        ]

    def __str__(self) -> str:
        if get_language() == "bg" and self.label_bg:
            return self.label_bg
        return self.label


class DecidedBy(models.TextChoices):
    TEAM = "team", _("The team")
    FAMILY = "family", _("Family")
    GP = "gp", _("General practitioner")
    HOSPITAL_PSYCHIATRIST = "hospital_psychiatrist", _("Hospital psychiatrist")
    COURT = "court", _("Court")
    POLICE = "police", _("Police")
    CLIENT = "client", _("The client")
    OTHER = "other", _("Other")


class AdvanceStatementUpheld(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NONE = "none", _("There is no advance statement")
    UNKNOWN = "unknown", _("Not known")


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
    legal_basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal basis"),
    )
    planned = models.BooleanField(_("planned admission"), null=True, blank=True)
    decided_by = models.CharField(
        _("who decided"), max_length=30, choices=DecidedBy.choices, blank=True
    )
    contact_kept = models.BooleanField(
        _("the team kept contact during the stay"), null=True, blank=True
    )
    advance_statement_upheld = models.CharField(
        _("advance statement upheld"),
        max_length=10,
        choices=AdvanceStatementUpheld.choices,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
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
        errors = {}
        if self.admitted_on and self.discharged_on and self.discharged_on < self.admitted_on:
            errors["discharged_on"] = ValidationError(
                _("Discharge cannot be before admission."), code="discharge_before_admission"
            )
        if self.legal_basis_id and self.legal_basis.legal_status != self.legal_status:
            errors["legal_basis"] = ValidationError(
                _("This legal basis does not match the legal status."),
                code="legal_basis_status_mismatch",
            )
        if errors:
            raise ValidationError(errors)


class Relapse(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relapses")
    onset_on = models.DateField(_("onset on"), validators=[not_in_future])
    signs = models.TextField(_("early signs noticed"), blank=True)
    crisis = models.ForeignKey(
        "Crisis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relapses",
        verbose_name=_("led to the crisis"),
    )
    hospital_stay = models.ForeignKey(
        "HospitalStay",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relapses",
        verbose_name=_("led to the hospital stay"),
    )
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
    reported_by = models.CharField(_("reported by"), max_length=200, blank=True)
    mobilised_staff = models.ManyToManyField(
        User, blank=True, related_name="crises_mobilised", verbose_name=_("staff mobilised")
    )
    mobilised_others = models.TextField(_("other people and agencies mobilised"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    advance_statement_followed = models.CharField(
        _("advance statement followed"),
        max_length=10,
        choices=AdvanceStatementUpheld.choices,
        blank=True,
    )
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
    location = models.CharField(_("where"), max_length=200, blank=True)
    legal_basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal basis"),
    )
    decided_by = models.CharField(
        _("who decided"), max_length=30, choices=DecidedBy.choices, blank=True
    )
    client_account = models.TextField(_("the client's own account"), blank=True)
    hospital_stay = models.ForeignKey(
        HospitalStay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coercive_measures",
        verbose_name=_("during the hospital stay"),
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("coercive measure")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"

    @property
    def debrief_due_on(self) -> date:
        """The debrief is due within 14 days of the measure's (local) date; overdue from day 15."""
        return timezone.localtime(self.started_at).date() + timezone.timedelta(days=14)

    def clean(self) -> None:
        if self.started_at and self.debriefed_on:
            if self.debriefed_on < timezone.localtime(self.started_at).date():
                raise ValidationError(
                    {"debriefed_on": _("The debrief cannot be before the measure.")},
                    code="debrief_before_measure",
                )


class AgencyRequest(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agency_requests")
    agency = models.CharField(_("agency"), max_length=200)
    case_agency = models.ForeignKey(
        "CaseAgency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("agency of the case"),
    )
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


class Debrief(models.Model):
    """The mandatory conversation with the client after a coercive measure, due within 14 days."""

    DUE_DAYS = 14

    measure = models.OneToOneField(
        CoerciveMeasure, on_delete=models.CASCADE, related_name="debrief"
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[not_in_future])
    done_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debriefs_done",
        verbose_name=_("done by"),
    )
    client_view = models.TextField(_("what the client said"), blank=True)
    what_should_change = models.TextField(_("what should change"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("debrief")
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.measure} → {self.due_on}"

    def clean(self) -> None:
        if self.done_on and self.measure_id:
            started = timezone.localtime(self.measure.started_at).date()
            if self.done_on < started:
                raise ValidationError(
                    {"done_on": _("The debrief cannot be before the measure.")},
                    code="debrief_before_measure",
                )
        if self.done_on and not self.done_by_id:
            raise ValidationError(
                {"done_by": _("Say who held the debrief.")}, code="debrief_done_by_required"
            )

    def is_overdue(self, today: date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class AdverseEvent(models.Model):
    class Kind(models.TextChoices):
        SELF_HARM = "self_harm", _("Self-harm")
        SUICIDE_ATTEMPT = "suicide_attempt", _("Suicide attempt")
        DEATH = "death", _("Death")
        POLICE = "police_involvement", _("Police involvement")
        ARREST = "arrest", _("Arrest")
        EVICTION = "eviction", _("Eviction")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="adverse_events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    occurred_on = models.DateField(_("occurred on"), validators=[not_in_future])
    crisis = models.ForeignKey(
        Crisis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adverse_events",
        verbose_name=_("during the crisis"),
    )
    note = models.TextField(_("what happened"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("adverse event")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class CaseAgency(models.Model):
    """An agency involved in one client's case."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(_("agency"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    involved_since = models.DateField(
        _("involved since"), null=True, blank=True, validators=[not_in_future]
    )
    ended_on = models.DateField(_("no longer involved since"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency of the case")
        verbose_name_plural = _("agencies of the case")
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="case_agency_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.involved_since and self.ended_on and self.ended_on < self.involved_since:
            raise ValidationError(
                {"ended_on": _("An agency cannot stop before it started.")},
                code="end_before_start",
            )


class LifeDomain(models.TextChoices):
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income and benefits")
    DOCUMENTS = "documents", _("Documents")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health and medication")
    DAILY_LIVING = "daily_living", _("Daily living")
    RELATIONSHIPS = "relationships", _("Relationships and family")
    WORK = "work", _("Work, education and leisure")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    LEGAL = "legal", _("Legal")
    CRISIS = "crisis", _("Crisis response")
    OTHER = "other", _("Other")


class Responsibility(models.Model):
    """One cell of a case's responsibility matrix: who is responsible for what."""

    class Party(models.TextChoices):
        TEAM = "team", _("The team")
        CLIENT = "client", _("The client")
        AGENCY = "agency", _("An agency")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="responsibilities")
    domain = models.CharField(_("area"), max_length=30, choices=LifeDomain.choices)
    party = models.CharField(_("responsible"), max_length=10, choices=Party.choices)
    agency = models.ForeignKey(
        CaseAgency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responsibilities",
        verbose_name=_("agency"),
    )
    task = models.CharField(_("for what"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain", "party"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.task}"

    def clean(self) -> None:
        if self.party == self.Party.AGENCY and not self.agency_id:
            raise ValidationError(
                {"agency": _("Choose the agency that is responsible.")}, code="agency_required"
            )
        if self.party != self.Party.AGENCY and self.agency_id:
            raise ValidationError(
                {"agency": _("Only choose an agency when an agency is responsible.")},
                code="agency_not_expected",
            )
        if self.agency_id and self.client_id and self.agency.client_id != self.client_id:
            raise ValidationError(
                {"agency": _("That agency is not involved in this case.")}, code="agency_other_case"
            )


class CaseConference(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="case_conferences")
    held_on = models.DateField(_("held on"), validators=[not_in_future])
    client_present = models.BooleanField(_("the client took part"), default=True)
    staff = models.ManyToManyField(
        User, blank=True, related_name="case_conferences", verbose_name=_("staff taking part")
    )
    support_people = models.ManyToManyField(
        SupportPerson,
        blank=True,
        related_name="case_conferences",
        verbose_name=_("support people taking part"),
    )
    agencies = models.ManyToManyField(
        CaseAgency,
        blank=True,
        related_name="case_conferences",
        verbose_name=_("agencies taking part"),
    )
    other_participants = models.CharField(_("others taking part"), max_length=300, blank=True)
    decisions = models.TextField(_("decisions"))
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("case conference")

    def __str__(self) -> str:
        return f"{self.client} {self.held_on}"


class FollowUpAction(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200)
    owner_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[not_in_future])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("follow-up action")

    def __str__(self) -> str:
        return f"{self.action} ({self.owner})"


class Discharge(models.Model):
    """How an episode was closed: the reason is on the episode; here the handover."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="discharge")
    handover_to = models.CharField(_("handed over to"), max_length=200, blank=True)
    handover_plan = models.TextField(_("handover plan: what is arranged"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discharge")

    def __str__(self) -> str:
        return f"{self.episode}"


class ExitSurvey(models.Model):
    """Anonymous answers at discharge: no client, no episode, no code, no time stamp; a month only.

    A random primary key and no creation time keep rows from being matched to a discharge by
    order or time; the month and municipality are the finest grain that can be reported.
    """

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")
        NOT_SAY = "not_say", _("Prefer not to say")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", editable=False
    )
    month = models.DateField(_("month"), help_text=_("Always the first day of the month."))
    coercion_experienced = models.CharField(
        _("I experienced coercion during my time with the team"),
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    felt_respected = models.CharField(
        _("I felt respected in my treatment choices and preferences"),
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    advance_statement_upheld = models.CharField(
        _("My advance statement was upheld"), max_length=10, choices=Answer.choices, blank=True
    )
    peer_support_offered = models.CharField(
        _("I was offered support by a peer worker"),
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    community_inclusion = models.CharField(
        _("I feel more part of my community"), max_length=10, choices=Answer.choices, blank=True
    )

    class Meta:
        verbose_name = _("exit survey")

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month:%Y-%m}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Only the month is stored.")}, code="month_only")


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
