"""The clients' current housing, income and documents become the first entry of their history.

Each known value (not "unknown") is dated from the client's first episode (their intake), or from
the day the record was opened while still in engagement. Reversing drops those first entries.
"""

from django.db import migrations
from django.db.models import Min

FIELDS = {"housing": "housing", "income": "income", "documents": "documents"}
SOURCE = "migrated-from-client"
BATCH = 2000


def forwards(apps, schema_editor):
    Client = apps.get_model("outreach", "Client")
    LivingStatus = apps.get_model("outreach", "LivingStatus")
    rows = (
        Client.objects.filter(anonymised_at__isnull=True)
        .annotate(intake_on=Min("episodes__started_on"))
        .values("pk", "created_at", "intake_on", *FIELDS.values())
        .order_by("pk")
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        since = row["intake_on"] or row["created_at"].date()
        for domain, field in FIELDS.items():
            if row[field] and row[field] != "unknown":
                batch.append(
                    LivingStatus(
                        client_id=row["pk"],
                        domain=domain,
                        status=row[field],
                        since=since,
                        source_ref=SOURCE,
                    )
                )
        if len(batch) >= BATCH:
            LivingStatus.objects.bulk_create(batch)
            batch = []
    if batch:
        LivingStatus.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    apps.get_model("outreach", "LivingStatus").objects.filter(source_ref=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0018_living_situation_carers_costs")]

    operations = [migrations.RunPython(forwards, backwards)]
