"""Referrals: from a partner's submission to an accepted client."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from outreach.models import Client, Municipality, Sex, Team, User, not_in_future, not_in_future_dt


class Source(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_SERVICES = "social_services", _("Social-assistance directorate")
    HOSPITAL = "hospital", _("Hospital")
    GP = "gp", _("GP")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    FAMILY = "family", _("Family")
    SELF = "self", _("Self-referral")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    SCREENING = "screening", _("Screening")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECIDED_STATUSES = frozenset(
    {Status.ACCEPTED, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN}
)


class Referral(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="referrals"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("team"),
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="submitted_referrals"
    )
    received_at = models.DateTimeField(_("received at"), validators=[not_in_future_dt])
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_organisation = models.CharField(_("referring organisation"), max_length=200, blank=True)
    referrer_name = models.CharField(_("referrer"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=40, blank=True)
    # The person, as much as is known.
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    whereabouts = models.TextField(_("whereabouts"), blank=True)
    reasons = models.TextField(_("reasons for referral"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    person_knows = models.BooleanField(_("the person knows about this referral"), default=False)
    person_agrees = models.BooleanField(_("the person agrees"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, validators=[not_in_future_dt]
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="decided_referrals"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Screening: the current checklist answers and the latest score (kept on the row so that the
    # waiting list ranks in SQL); every score, with its explanation, is in ReferralScore.
    answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    score = models.IntegerField(_("priority score"), null=True, blank=True)
    criteria_version = models.ForeignKey(
        "CriteriaVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criteria version"),
    )
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("referral")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=models.F("received_at")),
                name="referral_decision_after_receipt",
            ),
        ]
        indexes = [models.Index(fields=["received_at"]), models.Index(fields=["decided_at"])]

    def __str__(self) -> str:
        name = " ".join(p for p in (self.given_name, self.family_name) if p) or _("unnamed person")
        return f"{name} ({self.received_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral-detail", args=[self.pk])

    @property
    def person_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def is_open(self) -> bool:
        """Still to be decided (received, in screening or waiting for a place)."""
        return self.status in (Status.RECEIVED, Status.SCREENING, Status.WAITLISTED)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        try:
            # In clean() rather than on the field, which would need a migration for no change.
            not_in_future(self.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc
        if self.received_at and self.decided_at and self.decided_at < self.received_at:
            errors["decided_at"] = ValidationError(
                _("A decision cannot be made before the referral was received."),
                code="decision_before_receipt",
            )
        if errors:
            raise ValidationError(errors)


class CriterionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("Choice")


class CriterionRole(models.TextChoices):
    REQUIRED = "required", _("Required (must be yes to be eligible)")
    EXCLUDING = "excluding", _("Excluding (yes makes the person ineligible)")
    SCORING = "scoring", _("Scoring (gives priority points)")


class CriteriaVersion(models.Model):
    """One version of the eligibility checklist and priority weights of a municipality.

    A version without a municipality is the default, used where a municipality has none of its
    own. A version that has scored a referral is frozen: changes are made in a new version.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_versions",
        verbose_name=_("municipality"),
        help_text=_("Empty: the default set for municipalities without their own."),
    )
    version = models.PositiveIntegerField(_("version"))
    active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality__name", "-version"]
        verbose_name = _("criteria version")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "version"], name="criteria_version_unique"
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(municipality__isnull=True),
                name="criteria_default_version_unique",
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality or _("default")
        return f"{where} v{self.version}"


class Criterion(models.Model):
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(_("question"), max_length=300)
    question_bg = models.CharField(_("question in Bulgarian"), max_length=300, blank=True)
    kind = models.CharField(
        _("answer"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.YES_NO
    )
    role = models.CharField(
        _("role"), max_length=10, choices=CriterionRole.choices, default=CriterionRole.SCORING
    )
    points = models.IntegerField(
        _("points for yes"), default=0, help_text=_("Yes / no scoring criteria.")
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_('Choice criteria: a list of {"value": "...", "label": "...", "points": n}.'),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if get_language() == "bg" and self.question_bg:
            return self.question_bg
        return self.question

    def choices(self) -> list[tuple[str, str]]:
        if self.kind == CriterionKind.YES_NO:
            return [("yes", str(_("Yes"))), ("no", str(_("No")))]
        bg = get_language() == "bg"
        return [
            (str(o["value"]), str((bg and o.get("label_bg")) or o.get("label") or o["value"]))
            for o in self.options
        ]

    def points_for(self, answer: str) -> int:
        if self.role != CriterionRole.SCORING or not answer:
            return 0
        if self.kind == CriterionKind.YES_NO:
            return self.points if answer == "yes" else 0
        for option in self.options:
            if str(option["value"]) == answer:
                return int(option.get("points") or 0)
        return 0

    def clean(self) -> None:
        if self.kind == CriterionKind.CHOICE:
            ok = isinstance(self.options, list) and self.options
            ok = ok and all(isinstance(o, dict) and "value" in o for o in self.options)
            if not ok:
                raise ValidationError(
                    {"options": _('Give the options as a list of {"value", "label", "points"}.')},
                    code="options_shape",
                )
            if self.role != CriterionRole.SCORING:
                raise ValidationError(
                    {"role": _("Required and excluding criteria are yes / no questions.")},
                    code="choice_not_scoring",
                )


class ReferralScore(models.Model):
    """A score given to a referral under one criteria version, with its explanation."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="scores")
    version = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, related_name="scores")
    answers = models.JSONField(default=dict)
    score = models.IntegerField(_("score"))
    eligible = models.BooleanField(_("eligible"))
    explanation = models.JSONField(default=list)
    scored_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_at", "-pk"]
        verbose_name = _("referral score")

    def __str__(self) -> str:
        return f"{self.score} ({self.version})"


class CheckStatus(models.TextChoices):
    OPEN = "open", _("To check")
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Not the same person")


class DuplicateCheck(models.Model):
    """A possible match of a referral with a client of a team, for that team's supervisor to check.

    Whoever decides the referral without access to the team's records learns only that a check
    is pending (or its outcome), never who matched; accepting waits for the answer.
    """

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="duplicate_checks"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="duplicate_checks", verbose_name=_("team")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.OPEN
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("same person as"),
    )
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("duplicate check")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "team"], name="duplicate_check_one_per_team"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="open", resolved_at__isnull=True, client__isnull=True)
                    | Q(status="same", resolved_at__isnull=False, client__isnull=False)
                    | Q(status="different", resolved_at__isnull=False, client__isnull=True)
                ),
                name="duplicate_check_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} · {self.team} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:duplicatecheck-resolve", args=[self.pk])
