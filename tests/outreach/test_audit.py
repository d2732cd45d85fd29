from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from outreach import audit
from outreach.models import AuditEvent


def test_audit_event_cannot_be_changed_or_deleted_through_the_orm(worker, team_client, origin):
    event = audit.record(actor=worker, action="client.view", target=team_client, origin=origin)
    event.action = "nothing.happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_trigger_rejects_update_and_delete(worker, team_client, origin):
    event = audit.record(actor=worker, action="client.view", target=team_client, origin=origin)
    for sql in (
        "UPDATE outreach_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM outreach_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


def test_audit_is_written_in_the_same_transaction_as_the_change(worker, team_client, origin):
    from outreach import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.client_update(client=team_client, actor=worker, housing="rented", origin=origin)
        raise RuntimeError("the request failed later")
    assert not AuditEvent.objects.filter(action="client.update").exists()
