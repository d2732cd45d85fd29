"""The starting list of interventions a contact can deliver; admins extend it."""

from django.db import migrations

DEFAULTS = [
    ("engagement", "Engagement and building trust", "Ангажиране и изграждане на доверие"),
    ("practical_help", "Practical help (food, clothing, hygiene)", "Практическа помощ (храна, дрехи, хигиена)"),
    ("documents", "Help with identity documents", "Помощ с документи за самоличност"),
    ("benefits", "Help with benefits and income", "Помощ с обезщетения и доходи"),
    ("housing", "Help with housing", "Помощ с жилище"),
    ("medication", "Medication support", "Подкрепа с лекарства"),
    ("physical_health", "Physical health care", "Грижа за физическото здраве"),
    ("psychoeducation", "Psychoeducation", "Психообразование"),
    ("carer_support", "Support for carers and family", "Подкрепа за близки и семейство"),
    ("peer_support", "Peer support", "Подкрепа от равни"),
    ("crisis", "Crisis intervention", "Кризисна интервенция"),
    ("care_plan", "Care planning with the client", "Планиране на грижата с клиента"),
    ("accompaniment", "Accompanying to a service", "Придружаване до услуга"),
    ("substance_use", "Substance use support", "Подкрепа при употреба на вещества"),
]


def forwards(apps, schema_editor):
    Intervention = apps.get_model("outreach", "Intervention")
    for order, (code, name, name_bg) in enumerate(DEFAULTS):
        Intervention.objects.get_or_create(code=code, defaults={"name": name, "name_bg": name_bg, "order": order * 10})


def backwards(apps, schema_editor):
    Intervention = apps.get_model("outreach", "Intervention")
    Intervention.objects.filter(code__in=[code for code, _n, _b in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_auditevent_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
