"""Events of the case record (see DESIGN §2, §2a and INDICATORS.md)."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from outreach.dates import not_in_future, not_in_future_dt
from outreach.models.episodes import Episode
from outreach.models.people import Client, Municipality, SupportPerson, User


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
    updated_at = models.DateTimeField(auto_now=True)

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
        # A stay from before intake is told from memory or old letters: its basis may be unknown.
        if (
            self.legal_status == LegalStatus.INVOLUNTARY
            and not self.legal_basis_id
            and not self.pre_intake
        ):
            errors["legal_basis"] = ValidationError(
                _("Give the legal basis of an involuntary stay."), code="legal_basis_required"
            )
        if self.client_id and self.admitted_on and "discharged_on" not in errors:
            other = self.overlapping_stay()
            if other is not None:
                errors["admitted_on"] = ValidationError(
                    _(
                        "This stay overlaps the client's stay admitted on %(day)s: a person is in"
                        " one hospital at a time (a transfer is a discharge and an admission on"
                        " the same day)."
                    )
                    % {"day": date_format(other.admitted_on, "SHORT_DATE_FORMAT")},
                    code="stays_overlap",
                )
        if errors:
            raise ValidationError(errors)

    def overlapping_stay(self) -> HospitalStay | None:
        """Another stay of the same client sharing a night with this one (`stays_overlap`)."""
        others = HospitalStay.objects.filter(client_id=self.client_id).exclude(pk=self.pk)
        others = others.filter(
            Q(discharged_on__isnull=True) | Q(discharged_on__gt=self.admitted_on)
        )
        if self.discharged_on is not None:
            others = others.filter(admitted_on__lt=self.discharged_on)
        return others.order_by("admitted_on", "pk").first()


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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("coercive measure")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"

    @property
    def debrief_due_on(self) -> date:
        """The debrief is due within 14 days of the measure's (local) date; overdue from day 15."""
        return timezone.localtime(self.started_at).date() + timezone.timedelta(days=14)

    def debrief_overdue(self, today: date) -> bool:
        """Tell whether the debrief is still missing after its due date."""
        return self.debriefed_on is None and self.debrief_due_on < today

    def clean(self) -> None:
        if self.started_at and self.debriefed_on:
            if self.debriefed_on < timezone.localtime(self.started_at).date():
                raise ValidationError(
                    {"debriefed_on": _("The debrief cannot be before the measure.")},
                    code="debrief_before_measure",
                )


class AgencyKind(models.TextChoices):
    """The kinds of agency of INDICATORS.md (`agency_requests_by_kind`)."""

    HOUSING = "housing", _("Housing")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    EMPLOYMENT = "employment", _("Employment")
    BENEFITS_AND_DOCUMENTS = "benefits_and_documents", _("Benefits and documents")
    POLICE_AND_JUSTICE = "police_and_justice", _("Police and justice")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """An agency of a municipality's directory: the teams choose it when they send a request."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="agencies"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    active = models.BooleanField(
        _("offered for new requests"),
        default=True,
        help_text=_("An agency no longer offered keeps its past requests and their kind."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency in the directory")
        verbose_name_plural = _("agency directory")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="agency_directory_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyRequest(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agency_requests")
    agency = models.CharField(_("agency"), max_length=200)
    listed_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("agency from the directory"),
        help_text=_("Leave empty for a one-off agency: its requests count as “other”."),
    )
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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
    done_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked done by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

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
    updated_at = models.DateTimeField(auto_now=True)

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
