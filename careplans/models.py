"""Care plans written with the client, their agreements, and assessments with instruments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.models import Client, Consent, Episode, SupportPerson, User, not_in_future


class LifeDomain(models.TextChoices):
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income and benefits")
    DOCUMENTS = "documents", _("Documents")
    PHYSICAL = "physical", _("Physical health")
    MENTAL = "mental", _("Mental health and medication")
    DAILY = "daily", _("Daily living")
    RELATIONSHIPS = "relationships", _("Relationships and family")
    WORK = "work", _("Work, education and leisure")
    SUBSTANCES = "substances", _("Substance use")
    LEGAL = "legal", _("Legal")


class Contributor(models.TextChoices):
    CLIENT = "client", _("The client")
    TANDEM = "tandem", _("The tandem")
    FAMILY = "family", _("Family")
    SUPPORTER = "supporter", _("Trusted person or friend")
    GP = "gp", _("GP")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    SOCIAL = "social", _("Social services")
    OTHER = "other", _("Other")


class CarePlan(models.Model):
    """The current plan of one episode; every save is a version (django-simple-history).

    `snapshot` holds the goals, actions and advance statement as they were when this version
    was saved, so that the history of this one model shows every change of the plan.
    """

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="careplan")
    what_matters = models.TextField(_("what matters to me"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    diagnosis = models.CharField(
        _("diagnosis (optional)"), max_length=200, blank=True, help_text=_("Never required.")
    )
    domains = models.JSONField(_("life domains"), default=dict, blank=True)
    contributors = models.JSONField(_("contributors to this version"), default=list, blank=True)
    contributors_detail = models.CharField(
        _("contributors (names or roles)"), max_length=300, blank=True
    )
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("care plan")

    def __str__(self) -> str:
        return f"{_('Care plan')} {self.episode.client}"

    def get_absolute_url(self) -> str:
        return reverse("careplans:careplan-detail", args=[self.pk])

    @property
    def client(self) -> Client:
        return self.episode.client

    def clean(self) -> None:
        unknown = set(self.domains or {}) - set(LifeDomain.values)
        if unknown:
            raise ValidationError({"domains": _("Unknown life domain.")}, code="unknown_domain")
        if set(self.contributors or []) - set(Contributor.values):
            raise ValidationError(
                {"contributors": _("Unknown contributor.")}, code="unknown_contributor"
            )


class PlanAgreement(models.Model):
    """The client agreed the plan (first time or at a review). Feeds care_plan_coverage."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First agreement")
        REVIEW = "review", _("Review")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plan_agreements")
    careplan = models.ForeignKey(
        CarePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    agreed_on = models.DateField(_("agreed on"), validators=[not_in_future])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REVIEW)
    plan_version = models.PositiveIntegerField(_("plan version"), null=True, blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-agreed_on"]
        verbose_name = _("plan agreement")

    def __str__(self) -> str:
        return f"{self.client} {self.agreed_on}"


class Goal(models.Model):
    """A goal in the client's own words, in one life domain."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        PROGRESS = "progress", _("Under way")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("No longer wanted")

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    in_their_words = models.TextField(_("the goal in the client's words"))
    status = models.CharField(
        _("progress"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")

    def __str__(self) -> str:
        return self.in_their_words[:60]


class Action(models.Model):
    """Who does what by when for one goal."""

    class Who(models.TextChoices):
        CLIENT = "client", _("The client")
        TANDEM = "tandem", _("A tandem member")
        SUPPORTER = "supporter", _("A support person")
        AGENCY = "agency", _("Another agency")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField(_("what"))
    who = models.CharField(_("who"), max_length=10, choices=Who.choices)
    staff = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tandem member"),
    )
    support_person = models.ForeignKey(
        SupportPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support person"),
    )
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[not_in_future])
    done_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked done by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("action")

    def __str__(self) -> str:
        return self.what[:60]

    def who_label(self) -> str:
        if self.who == self.Who.TANDEM and self.staff_id:
            return self.staff.get_full_name() or self.staff.username
        if self.who == self.Who.SUPPORTER and self.support_person_id:
            return self.support_person.name
        if self.who == self.Who.AGENCY and self.agency:
            return self.agency
        return str(self.get_who_display())

    def clean(self) -> None:
        errors = {}
        if self.who == self.Who.TANDEM and not self.staff_id:
            errors["staff"] = _("Choose the tandem member.")
        if self.who == self.Who.SUPPORTER and not self.support_person_id:
            errors["support_person"] = _("Choose the support person.")
        if self.who == self.Who.AGENCY and not self.agency:
            errors["agency"] = _("Name the agency.")
        if self.support_person_id and self.support_person.do_not_contact:
            errors["support_person"] = _("This person must not be contacted.")
        if errors:
            raise ValidationError(errors, code="action_who")


class AdvanceStatement(models.Model):
    """Crisis plan and advance statement: what the client wants when they are in crisis."""

    careplan = models.OneToOneField(
        CarePlan, on_delete=models.CASCADE, related_name="advance_statement"
    )
    early_signs = models.TextField(_("early signs"), blank=True)
    what_helps = models.TextField(_("what helps"), blank=True)
    what_does_not_help = models.TextField(_("what does not help"), blank=True)
    will_and_preferences = models.TextField(_("will and preferences"), blank=True)
    comes_into_effect = models.TextField(_("when it comes into effect"), blank=True)
    designated_supporters = models.TextField(_("designated supporters"), blank=True)
    treatment_preferences = models.TextField(_("treatment preferences"), blank=True)
    preferred_hospitals = models.CharField(_("preferred hospitals"), max_length=300, blank=True)
    refused_hospitals = models.CharField(_("refused hospitals"), max_length=300, blank=True)
    home_and_affairs = models.TextField(
        _("what should happen to the home and personal affairs"), blank=True
    )
    crisis_contacts = models.ManyToManyField(
        SupportPerson, blank=True, related_name="+", verbose_name=_("whom to contact")
    )
    other_contacts = models.TextField(_("other people or services to contact"), blank=True)
    not_to_contact_note = models.TextField(_("whom not to contact (in words)"), blank=True)
    legally_binding = models.BooleanField(_("legally binding"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advance statement")

    def __str__(self) -> str:
        return f"{_('Advance statement')} {self.careplan.episode.client}"


class PlanSignoff(models.Model):
    """A tandem member signed off one version of the plan."""

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="signoffs")
    plan_version = models.PositiveIntegerField()
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["careplan", "plan_version", "user"], name="signoff_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} v{self.plan_version}"


class ClientResponse(models.Model):
    """The client's agreement or disagreement with one version, with reasons in their words."""

    class Answer(models.TextChoices):
        AGREE = "agree", _("The client agrees")
        DISAGREE = "disagree", _("The client disagrees")

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="responses")
    plan_version = models.PositiveIntegerField()
    answer = models.CharField(_("the client's answer"), max_length=10, choices=Answer.choices)
    in_their_words = models.TextField(_("in the client's words"), blank=True)
    responded_on = models.DateField(_("on"), validators=[not_in_future])
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} v{self.plan_version}"

    def clean(self) -> None:
        if self.answer == self.Answer.DISAGREE and not self.in_their_words.strip():
            raise ValidationError(
                {"in_their_words": _("Write down the client's reasons in their words.")},
                code="reasons_required",
            )


class PlanComment(models.Model):
    """A comment of the client on their plan, kept with the version it refers to."""

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="comments")
    plan_version = models.PositiveIntegerField()
    text = models.TextField(_("the client's comment"))
    made_on = models.DateField(_("made on"), validators=[not_in_future])
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanReview(models.Model):
    """The review due at a month of the episode (3, 6, 9, then every 3 months)."""

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    month = models.PositiveSmallIntegerField(_("month of the episode"))
    held_on = models.DateField(_("held on"), validators=[not_in_future])
    what_changed = models.TextField(_("what changed"))
    goal_progress = models.TextField(_("progress on the goals"), blank=True)
    plan_version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["careplan", "month"], name="review_once_per_month"),
            models.CheckConstraint(condition=Q(month__gt=0), name="review_month_positive"),
        ]

    def __str__(self) -> str:
        return f"{_('Review')} {self.month}"


class CrisisSheetShare(models.Model):
    """The crisis sheet was shared with an agency or person the client consented to."""

    careplan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="shares")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    plan_version = models.PositiveIntegerField()
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return f"{self.consent.recipient} {self.shared_at:%Y-%m-%d}"


class Instrument(models.Model):
    """An outcome measure as data: items, scale and scoring rule; added without code.

    `items` is a list of `{"code", "type": "scale"|"yes_no", "min", "max", "text": {"en", "bg"},
    "labels": {"1": {"en", "bg"}, ...}, "more_help": bool}`; `scoring` is
    `{"rule": "mean"|"sum", "items": [...], "sub_scores": [{"code", "label", "rule", "items"}]}`.
    See careplans/instruments.py, which validates both in `clean()`.
    """

    class RatedBy(models.TextChoices):
        CLIENT = "client", _("Client")
        WORKER = "worker", _("Worker")

    code = models.SlugField(_("code"))
    version = models.CharField(_("version"), max_length=20, default="1")
    name = models.CharField(_("name"), max_length=200)
    name_bg = models.CharField(_("name in Bulgarian"), max_length=200, blank=True)
    items = models.JSONField(_("items"), default=list)
    scoring = models.JSONField(_("scoring rule"), default=dict)
    rated_by = models.CharField(
        _("rated by"), max_length=10, choices=RatedBy.choices, default=RatedBy.CLIENT
    )

    class AppliesTo(models.TextChoices):
        CLIENT = "client", _("The client (outcome measure)")
        CARER = "carer", _("A carer (the carer's own burden or wellbeing)")

    applies_to = models.CharField(
        _("measures"),
        max_length=10,
        choices=AppliesTo.choices,
        default=AppliesTo.CLIENT,
        help_text=_(
            "A carer's instrument is offered on the client's carers, never as a client's "
            "assessment, and is never on the review clock."
        ),
    )
    licence_note = models.TextField(_("licence note"), blank=True)
    scheduled = models.BooleanField(
        _("on the review clock"),
        default=False,
        help_text=_("Due at months 0, 3, 6 and 9 of every open episode."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("instrument")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="instrument_code_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code} v{self.version})"

    @property
    def display_name(self) -> str:
        from careplans.assessments.instruments import pick_language

        return pick_language({"en": self.name, "bg": self.name_bg})

    def clean(self) -> None:
        from careplans.assessments.instruments import validate_definition

        validate_definition(items=self.items, scoring=self.scoring)
        if self.applies_to == self.AppliesTo.CARER and self.scheduled:
            raise ValidationError(
                {
                    "scheduled": ValidationError(
                        _("A carer's instrument is not on the client's review clock."),
                        code="carer_instrument_scheduled",
                    )
                }
            )


class Assessment(models.Model):
    class Timepoint(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MONTH_3 = "month_3", _("Month 3")
        MONTH_6 = "month_6", _("Month 6")
        MONTH_9 = "month_9", _("Month 9")
        DISCHARGE = "discharge", _("Discharge")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    episode = models.ForeignKey(
        Episode, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    instrument_version = models.CharField(
        _("instrument version"), max_length=20, blank=True, editable=False
    )
    assessed_on = models.DateField(_("assessed on"), validators=[not_in_future])
    timepoint = models.CharField(
        _("timepoint"), max_length=20, choices=Timepoint.choices, blank=True
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    help_wanted = models.JSONField(
        _("items the client wants more help with"), default=list, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    scores = models.JSONField(_("sub-scores"), default=dict, blank=True)
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument", "assessed_on"], name="assessment_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.client} {self.assessed_on}"

    def clean(self) -> None:
        if self.score is not None and self.score < 0:
            raise ValidationError({"score": _("A score cannot be negative.")})


class CarerAssessment(models.Model):
    """A carer's own burden (or wellbeing) measured with an instrument for carers."""

    carer = models.ForeignKey(
        "outreach.Carer", on_delete=models.CASCADE, related_name="burden_assessments"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="carer_assessments"
    )
    instrument_version = models.CharField(
        _("instrument version"), max_length=20, blank=True, editable=False
    )
    assessed_on = models.DateField(_("assessed on"), validators=[not_in_future])
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    scores = models.JSONField(_("sub-scores"), default=dict, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("carer's assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["carer", "instrument", "assessed_on"], name="carer_assessment_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.carer} {self.assessed_on}"
