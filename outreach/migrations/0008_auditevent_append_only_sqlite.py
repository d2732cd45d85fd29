"""On SQLite, triggers reject UPDATE and DELETE of audit events (0002 does this on PostgreSQL).

SQLite drops a table's triggers when a migration rebuilds the table (most ALTERs do there): a
later migration that alters outreach_auditevent must create these again. The test database of a
transactional test is emptied with DELETE on SQLite; tests/conftest.py lifts the triggers for
that flush only (PostgreSQL's flush is TRUNCATE, which its row trigger does not see).
"""

from django.db import migrations

TRIGGERS = {
    "outreach_auditevent_no_update": """
        CREATE TRIGGER outreach_auditevent_no_update BEFORE UPDATE ON outreach_auditevent
        BEGIN SELECT RAISE(ABORT, 'outreach_auditevent is append-only (UPDATE refused)'); END
    """,
    "outreach_auditevent_no_delete": """
        CREATE TRIGGER outreach_auditevent_no_delete BEFORE DELETE ON outreach_auditevent
        BEGIN SELECT RAISE(ABORT, 'outreach_auditevent is append-only (DELETE refused)'); END
    """,
}


def create_sql() -> list[str]:
    return [sql.strip() for sql in TRIGGERS.values()]


def drop_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in create_sql():
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in drop_sql():
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0007_auditevent_base_manager")]

    operations = [migrations.RunPython(forwards, backwards)]
