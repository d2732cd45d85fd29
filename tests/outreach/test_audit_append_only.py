"""The audit log is append-only on every path: the ORM's and plain SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from outreach import audit
from outreach.models import AuditEvent


@pytest.fixture
def event(worker, team_client, origin):
    return audit.record(actor=worker, action="client.view", target=team_client, origin=origin)


def _update(event):
    AuditEvent.objects.filter(pk=event.pk).update(action="x")


def _delete(event):
    AuditEvent.objects.filter(pk=event.pk).delete()


def _bulk_update(event):
    event.action = "x"
    AuditEvent.objects.bulk_update([event], ["action"])


def _save_existing(event):
    event.action = "x"
    event.save()


def _save_update_fields(event):
    event.action = "x"
    event.save(update_fields=["action"])


def _save_force_update(event):
    event.action = "x"
    event.save(force_update=True)


def _model_delete(event):
    event.delete()


def _base_manager_update(event):
    AuditEvent._base_manager.filter(pk=event.pk).update(action="x")


def _base_manager_delete(event):
    AuditEvent._base_manager.filter(pk=event.pk).delete()


def _base_manager_bulk_update(event):
    event.action = "x"
    AuditEvent._base_manager.bulk_update([event], ["action"])


def _raw_delete(event):
    qs = AuditEvent._base_manager.filter(pk=event.pk)
    qs._raw_delete(qs.db)


def _private_update(event):
    AuditEvent._base_manager.filter(pk=event.pk)._update({"action": "x"})


def _update_or_create(event):
    AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"})


def _bulk_create_upsert(event):
    copy = AuditEvent(pk=event.pk, action="x")
    AuditEvent.objects.bulk_create(
        [copy], update_conflicts=True, update_fields=["action"], unique_fields=["id"]
    )


def _default_manager_delete(event):
    AuditEvent._default_manager.all().delete()


ORM_PATHS = [
    _update,
    _delete,
    _bulk_update,
    _save_existing,
    _save_update_fields,
    _save_force_update,
    _model_delete,
    _base_manager_update,
    _base_manager_delete,
    _base_manager_bulk_update,
    _raw_delete,
    _private_update,
    _update_or_create,
    _bulk_create_upsert,
    _default_manager_delete,
]


@pytest.mark.parametrize("change", ORM_PATHS, ids=lambda f: f.__name__.lstrip("_"))
def test_no_orm_path_changes_or_deletes_an_audit_event(change, event):
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        change(event)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "client.view"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE outreach_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM outreach_auditevent WHERE id = %s",
    ],
)
def test_plain_sql_cannot_change_or_delete_an_audit_event(sql, event):
    """A database trigger on both backends (PostgreSQL in 0002, SQLite in 0008)."""
    assert connection.vendor in {"postgresql", "sqlite"}
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


def test_appending_still_works(worker, team_client, origin):
    audit.record(actor=worker, action="client.view", target=team_client, origin=origin)
    audit.record_many(origin=origin, action="caseload.view", client_ids=[team_client.pk])
    AuditEvent.objects.bulk_create([AuditEvent(action="x.y")], ignore_conflicts=True)
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_flush_the_audit_log(worker, team_client, origin):
    """The test database is emptied after this test (TRUNCATE, or DELETE with the triggers lifted
    by tests/conftest.py on SQLite); the application has no such path."""
    audit.record(actor=worker, action="client.view", target=team_client, origin=origin)
    assert AuditEvent.objects.exists()
