"""Indicator snapshots and municipal reports (see INDICATORS.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outreach.models import Municipality, Team


class SnapshotPublished(ValidationError):
    """A published snapshot was about to change; recompute makes a new version instead."""


class IndicatorSnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=IndicatorSnapshot.Status.PUBLISHED).exists():
            raise SnapshotPublished(
                _("A published snapshot cannot be changed; recompute to make a new version."),
                code="snapshot_published",
            )
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=IndicatorSnapshot.Status.PUBLISHED).exists():
            raise SnapshotPublished(
                _("A published snapshot cannot be deleted."), code="snapshot_published"
            )
        return super().delete()


class IndicatorSnapshot(models.Model):
    """The indicators of one period and scope under one definitions version.

    A scope has at most one draft per (period, scope, definitions version): the nightly refresh
    rewrites it. Publishing freezes it; recomputing afterwards creates a new draft with the next
    version number, and the published one stays readable and unchanged.
    """

    class ScopeKind(models.TextChoices):
        TEAM = "team", _("Team")
        MUNICIPALITY = "municipality", _("Municipality")
        ALL = "all", _("All teams")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    period = models.CharField(_("period"), max_length=7, help_text=_("2026-Q3 or 2026-07"))
    period_first = models.DateField(_("first day"))
    period_last = models.DateField(_("last day"))
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="indicator_snapshots"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_snapshots",
    )
    # "team:<pk>", "municipality:<pk>" or "all": one non-null column for the natural key.
    scope_key = models.CharField(max_length=40, editable=False)
    definitions_version = models.CharField(_("definitions version"), max_length=20)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    # The last day the figures use: `period_last`, or the day of computation while the period
    # was still running ("to date", INDICATORS.md). Such a snapshot can never be published.
    as_of = models.DateField(_("as of"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    values = models.JSONField(_("values"), default=dict)
    # Of a team's snapshot: the primary keys of the records each drill-down figure counted
    # ({key: [pk, ...]}), so a drill-down can mark what changed since. Ids only, no names.
    records = models.JSONField(_("records counted"), default=dict, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    objects = IndicatorSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-period_first", "scope_key", "-version"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scope_key", "definitions_version"],
                condition=Q(status="draft"),
                name="snapshot_one_draft_per_key",
            ),
            models.UniqueConstraint(
                fields=["period", "scope_key", "definitions_version", "version"],
                name="snapshot_unique_version",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope_kind="team", team__isnull=False, municipality__isnull=True)
                    | Q(scope_kind="municipality", team__isnull=True, municipality__isnull=False)
                    | Q(scope_kind="all", team__isnull=True, municipality__isnull=True)
                ),
                name="snapshot_scope_consistent",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="snapshot_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(as_of__gte=F("period_first"), as_of__lte=F("period_last")),
                name="snapshot_as_of_in_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(as_of=F("period_last")),
                name="snapshot_published_period_ended",
            ),
        ]
        indexes = [models.Index(fields=["period", "scope_key", "status"])]

    def __str__(self) -> str:
        return f"{self.period} {self.scope_label} v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # Guard, not business logic: a published row in the database is frozen.
        if self.pk is not None:
            stored = (
                IndicatorSnapshot.objects.filter(pk=self.pk)
                .values_list("status", flat=True)
                .first()
            )
            if stored == self.Status.PUBLISHED:
                raise SnapshotPublished(
                    _("A published snapshot cannot be changed; recompute to make a new version."),
                    code="snapshot_published",
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise SnapshotPublished(
                _("A published snapshot cannot be deleted."), code="snapshot_published"
            )
        return super().delete(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        if self.team_id:
            return str(self.team)
        if self.municipality_id:
            return str(self.municipality)
        return str(_("All teams"))

    @property
    def is_to_date(self) -> bool:
        """Whether the figures stop before the period's last day (computed while it ran)."""
        return self.as_of < self.period_last

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class SnapshotRun(models.Model):
    """One attempt of a task to compute a snapshot; failed runs keep their error.

    A run asked for from a page ("Refresh") starts as `queued` and the task takes it over; at
    most one queued run per (period, scope), so a second click does not queue the work again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    task_name = models.CharField(max_length=100)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    period = models.CharField(max_length=7)
    scope = models.CharField(max_length=140)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.ForeignKey(
        IndicatorSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        "outreach.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("snapshot run")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scope"],
                condition=Q(status="queued"),
                name="snapshot_run_one_queued_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.period} {self.scope} {self.status}"


class ReportFrozen(ValidationError):
    """A published report was about to change; a correction is a new version instead."""


class Report(models.Model):
    """A municipality's monthly or quarterly report: figures from snapshots plus a narrative.

    One draft per (municipality, period); publishing freezes it. A correction is a new version
    (draft first, then published) that says what changed; older versions stay readable.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("municipality"),
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("2026-Q3 or 2026-07"))
    period_first = models.DateField(_("first day"))
    period_last = models.DateField(_("last day"))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    snapshots = models.ManyToManyField(
        IndicatorSnapshot,
        blank=True,
        related_name="reports",
        verbose_name=_("snapshots rendered"),
    )
    # The municipality's figures of the last four quarters, copied when the figures were
    # refreshed: a published report keeps the trend it showed.
    trend = models.JSONField(_("trend"), default=list, blank=True)
    # Copied when the figures are refreshed, like the trend: the exit survey's answers of the
    # municipality and period, and each team's fidelity targets and workers on the last day.
    extras = models.JSONField(_("exit survey and fidelity"), default=dict, blank=True)
    went_well = models.TextField(_("what went well"), blank=True)
    problems_with_services = models.TextField(_("problems with other services"), blank=True)
    requests_to_municipality = models.TextField(_("requests to the municipality"), blank=True)
    what_changed = models.TextField(
        _("what changed"), blank=True, help_text=_("For a correction: what differs from before.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    figures_refreshed_at = models.DateTimeField(_("figures refreshed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "outreach.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-period_first", "municipality", "-version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period"],
                condition=Q(status="draft"),
                name="report_one_draft_per_period",
            ),
            models.UniqueConstraint(
                fields=["municipality", "period", "version"], name="report_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period} v{self.version}"

    def save(self, *args, **kwargs):
        # Guard, not business logic: a published row in the database is frozen.
        if self.pk is not None:
            stored = Report.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise ReportFrozen(
                    _("This report is published and cannot be changed; make a correction."),
                    code="report_published",
                )
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_quarterly(self) -> bool:
        return "Q" in self.period


class ReportDocument(models.Model):
    """A rendered PDF of a report in one language (rendered by a Celery task)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(max_length=8)
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField()
    render_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "language"], name="report_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.language})"


class FidelityTarget(models.Model):
    """A team's fidelity targets (defaults: anchors of the ACT fidelity scales)."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="fidelity_target", verbose_name=_("team")
    )
    max_clients_per_worker = models.DecimalField(
        _("at most clients per worker"), max_digits=5, decimal_places=1, default=10
    )
    min_contacts_per_client_week = models.DecimalField(
        _("at least contacts per client per week"), max_digits=5, decimal_places=1, default=4
    )
    min_minutes_per_client_week = models.DecimalField(
        _("at least contact minutes per client per week"),
        max_digits=6,
        decimal_places=1,
        default=120,
    )
    min_community_share = models.DecimalField(
        _("at least share of contacts in the community"),
        max_digits=4,
        decimal_places=3,
        default=0.8,
    )
    min_team_approach_share = models.DecimalField(
        _("at least share of clients seen by two or more staff in two weeks"),
        max_digits=4,
        decimal_places=3,
        default=0.9,
    )
    max_crisis_response_hours = models.DecimalField(
        _("at most median hours to the first crisis response"),
        max_digits=5,
        decimal_places=1,
        default=24,
    )

    class Meta:
        verbose_name = _("fidelity target")

    def __str__(self) -> str:
        return f"{self.team}"
