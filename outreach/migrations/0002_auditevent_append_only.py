"""On PostgreSQL, a trigger rejects UPDATE and DELETE of audit events.

TRUNCATE stays possible for the test database flush; the application never issues it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION outreach_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'outreach_auditevent is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outreach_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON outreach_auditevent
    FOR EACH ROW EXECUTE FUNCTION outreach_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS outreach_auditevent_no_update_delete ON outreach_auditevent;
DROP FUNCTION IF EXISTS outreach_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
