"""Normalised search keys on the client, backfilled, and a trigram index on PostgreSQL;
the tokens of submitted create forms."""

from django.contrib.postgres.operations import TrigramExtension
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from outreach.search import client_keys

KEY_FIELDS = ["given_key", "family_key", "search_key"]
SOURCES = ["given_name", "family_name", "known_as", "code", "phone"]


def backfill(apps, schema_editor):
    Client = apps.get_model("outreach", "Client")
    batch = []
    for client in Client.objects.only("pk", *SOURCES).order_by("pk").iterator(2000):
        for name, value in client_keys(**{f: getattr(client, f) for f in SOURCES}).items():
            setattr(client, name, value)
        batch.append(client)
        if len(batch) == 2000:
            Client.objects.bulk_update(batch, KEY_FIELDS)
            batch = []
    if batch:
        Client.objects.bulk_update(batch, KEY_FIELDS)


class PostgresTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL, nothing elsewhere, both ways (Django's backwards has no check)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


TRIGRAM_INDEX = "client_search_key_trgm"


def trigram_index(apps, schema_editor):
    # PostgreSQL only: `search_key LIKE '%word%'` then reads the index, not every row.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON outreach_client"
        " USING gin (search_key gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0012_emergency_access"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="family_key",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="client",
            name="given_key",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="client",
            name="search_key",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["family_key", "given_key"], name="client_name_key"),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["given_key"], name="client_given_key"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        # A no-op on SQLite (CreateExtension runs on PostgreSQL only).
        PostgresTrigramExtension(),
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.CreateModel(
            name="SubmissionToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField()),
                ("path", models.CharField(max_length=300)),
                ("url", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submission_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "token"), name="submission_token_unique"
                    )
                ],
            },
        ),
    ]
