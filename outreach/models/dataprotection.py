"""Data protection: erasures of client records and the client's copy of their record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models.people import Client, Team, User


class ErasureReason(models.TextChoices):
    """The legal ground an erasure rests on (GDPR Art. 5(1)(e) and Art. 17(1))."""

    RETENTION = "retention", _("The retention period after discharge has passed (Art. 5(1)(e))")
    NOT_NECESSARY = "not_necessary", _("No longer necessary for its purpose (Art. 17(1)(a))")
    OBJECTION = (
        "objection",
        _("The client objected and no overriding grounds exist (Art. 17(1)(c))"),
    )
    UNLAWFUL = "unlawful", _("The data were processed unlawfully (Art. 17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", _("Erasure is required by law (Art. 17(1)(e))")


class ClientErasure(models.Model):
    """That a client's record was anonymised: when, by whom, on which legal ground.

    `client_id` is a plain number, not a relation: this row is what remains of the erasure and
    is itself never erased (outreach/erasure.py walks relations to find what to blank).
    """

    client_id = models.BigIntegerField(db_index=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    legal_reason = models.CharField(_("legal reason"), max_length=20, choices=ErasureReason.choices)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("How the request came in and any reference. No names or health details."),
    )
    erased_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)
    # Rows anonymised per table, e.g. {"outreach_contact": 12}: what was done, without content.
    rows = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.erased_at:%Y-%m-%d} {self.get_legal_reason_display()}"


class ClientExport(models.Model):
    """The client's copy of their record (Art. 15 and 20): a PDF and a JSON file in one ZIP.

    Made by a task (outreach/tasks.py), downloaded once by the person who asked for it; the
    archive is dropped at that download, or after OUTREACH_COPY_KEEP_DAYS if nobody took it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Deleted unused")
        FAILED = "failed", _("Failed")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("client's copy")
        verbose_name_plural = _("client's copies")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
