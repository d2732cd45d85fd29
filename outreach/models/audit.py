"""The append-only audit log."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models.people import Client, User

APPEND_ONLY = "The audit log is append-only."


class AuditEventQuerySet(models.QuerySet):
    """Every ORM path that would change or delete rows refuses; only inserts pass.

    This is also the base manager's queryset (Meta.base_manager_name), which Model.save() and
    related lookups use. Plain SQL is refused by a trigger on PostgreSQL and on SQLite.
    """

    def update(self, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def _update(self, values):
        raise PermissionError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError(APPEND_ONLY)

    def delete(self):
        raise PermissionError(APPEND_ONLY)

    def _raw_delete(self, using):
        raise PermissionError(APPEND_ONLY)

    def bulk_create(
        self,
        objs,
        batch_size=None,
        ignore_conflicts=False,
        update_conflicts=False,
        update_fields=None,
        unique_fields=None,
    ):
        if update_conflicts:  # an upsert would overwrite existing rows
            raise PermissionError(APPEND_ONLY)
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


class AuditEvent(models.Model):
    """One read or change of protected data. Append-only: the ORM refuses, and so does a trigger.

    On SQLite, a migration that rebuilds this table (most ALTERs) drops its triggers: it must
    create them again (see migration 0008); tests/outreach/test_audit_append_only.py fails
    otherwise.
    """

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
    # Which API token authenticated the call ("" for a session, a task or a command).
    token_name = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Model.save() updates through the base manager: it must be the guarded one.
        base_manager_name = "objects"
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(APPEND_ONLY)
