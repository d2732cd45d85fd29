"""Places and people: municipalities, teams, users and tandems, clients, their support network and consents."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future
from outreach.search import client_keys


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


def default_retention_years() -> int:
    """Years a record is kept after the client's last discharge (OUTREACH_RETENTION_YEARS)."""
    return settings.OUTREACH_RETENTION_YEARS


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="BG",
        help_text=_("ISO 3166 code; chooses the legal bases offered for admissions and coercion."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention after discharge (years)"),
        default=default_retention_years,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "A client's record is anonymised this many years after their last episode ended."
        ),
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
    DPO = "dpo", _("Data-protection officer")


# Which role may do what is decided in outreach/access.py (and each app's access.py), not here.


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
        help_text=_("For coordinators, referral partners and data-protection officers."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The interface language, kept for every browser and for PDFs and e-mails."),
    )
    source_ref = models.CharField(max_length=100, blank=True, db_index=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


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
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_ref = models.CharField(max_length=100, blank=True)
    # Normalised forms of the names, code and phone (outreach/search.py), kept by save() and by
    # every bulk writer; searched with a trigram index on PostgreSQL (migration 0009).
    given_key = models.CharField(max_length=100, blank=True, editable=False)
    family_key = models.CharField(max_length=100, blank=True, editable=False)
    search_key = models.TextField(blank=True, editable=False)

    # The fields the keys are made of: a save() that writes any of them writes the keys too.
    KEY_SOURCES = frozenset({"given_name", "family_name", "known_as", "code", "phone"})

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["family_key", "given_key"], name="client_name_key"),
            models.Index(fields=["given_key"], name="client_given_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "source_ref"],
                condition=~Q(source_ref=""),
                name="client_unique_source_ref",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.refresh_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.KEY_SOURCES & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "given_key", "family_key", "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outreach:client-detail", args=[self.pk])

    def refresh_keys(self) -> None:
        """Set the search keys from the names, code and phone (see outreach/search.py)."""
        for name, value in client_keys(
            given_name=self.given_name,
            family_name=self.family_name,
            known_as=self.known_as,
            code=self.code,
            phone=self.phone,
        ).items():
            setattr(self, name, value)

    @property
    def full_name(self) -> str:
        if self.anonymised_at:
            return str(_("Anonymised client"))
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support person")
        verbose_name_plural = _("support people")

    def __str__(self) -> str:
        return self.name

    @property
    def do_not_contact(self) -> bool:
        return self.involvement == self.Involvement.DO_NOT_CONTACT


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


class ConsentScope(models.TextChoices):
    """What a consent allows the team to share."""

    CRISIS_SHEET = "crisis_sheet", _("Crisis sheet")
    CARE_PLAN = "care_plan", _("Care plan")
    CASE_CONFERENCE = "case_conference", _("Case conference minutes")
    RESPONSIBILITY_MATRIX = "responsibility_matrix", _("Responsibility matrix")


class WithdrawalMode(models.TextChoices):
    """How the client said they withdraw a consent."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITING = "writing", _("In writing")
    SUPPORT_PERSON = "support_person", _("Through a support person")


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
        SupportPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("person of the support network"),
    )
    agency = models.ForeignKey(
        "outreach.CaseAgency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("agency of the case"),
    )
    # Blank only on consents recorded before scopes were a list and not mapped: they allow no
    # sharing until the team records the consent again with a scope.
    scope = models.CharField(
        _("what may be shared"), max_length=30, choices=ConsentScope.choices, blank=True
    )
    scope_note = models.CharField(
        _("scope as first recorded"),
        max_length=300,
        blank=True,
        help_text=_("The scope in words, as recorded before scopes were a list."),
    )
    given_on = models.DateField(_("given on"), validators=[not_in_future])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[not_in_future]
    )
    withdrawn_how = models.CharField(
        _("how the client withdrew it"), max_length=20, choices=WithdrawalMode.choices, blank=True
    )
    withdrawn_recorded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-given_on"]
        verbose_name = _("consent")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_until_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_scope_display() or self.scope_note}"

    def clean(self) -> None:
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")},
                code="withdrawn_before_given",
            )
        if self.given_on and self.valid_until and self.valid_until < self.given_on:
            raise ValidationError(
                {"valid_until": _("A consent cannot end before it was given.")},
                code="valid_until_before_given",
            )

    def is_withdrawn_by(self, day: date) -> bool:
        return self.withdrawn_on is not None and self.withdrawn_on <= day

    def is_expired_on(self, day: date) -> bool:
        return self.valid_until is not None and day > self.valid_until

    def is_active_on(self, day: date) -> bool:
        return (
            self.given_on <= day and not self.is_withdrawn_by(day) and not self.is_expired_on(day)
        )

    def refusal_on(self, day: date, scope: str) -> str | None:
        """Say why this consent does not allow sharing `scope` on `day`, or None if it does."""
        if self.given_on > day:
            return _("The consent starts on %(date)s.") % {"date": _day(self.given_on)}
        if self.is_withdrawn_by(day):
            return _("The client withdrew this consent on %(date)s.") % {
                "date": _day(self.withdrawn_on)
            }
        if self.is_expired_on(day):
            return _("This consent expired on %(date)s.") % {"date": _day(self.valid_until)}
        if self.scope != scope:
            return _("This consent does not cover the %(scope)s.") % {
                "scope": str(ConsentScope(scope).label).lower()
            }
        return None
