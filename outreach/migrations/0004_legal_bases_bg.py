"""The starting legal bases for Bulgaria (Health Act, Criminal Code); admins add other countries."""

from django.db import migrations

DEFAULTS = [
    ("voluntary", "voluntary", "Voluntary treatment (informed consent)", "Доброволно лечение (информирано съгласие)"),
    ("voluntary_guardian", "voluntary", "Treatment with the consent of a guardian", "Лечение със съгласие на настойник"),
    ("emergency", "involuntary", "Emergency placement (Health Act)", "Спешно настаняване (Закон за здравето)"),
    ("court_ordered", "involuntary", "Compulsory treatment ordered by a court (Health Act)", "Задължително лечение по решение на съда (Закон за здравето)"),
    ("court_expertise", "involuntary", "Placement for court-ordered psychiatric expertise", "Настаняване за съдебно-психиатрична експертиза"),
    ("criminal_measure", "involuntary", "Compulsory medical measure (Criminal Code)", "Принудителна медицинска мярка (Наказателен кодекс)"),
    ("other_involuntary", "involuntary", "Other involuntary basis", "Друго недоброволно основание"),
]


def forwards(apps, schema_editor):
    LegalBasis = apps.get_model("outreach", "LegalBasis")
    for order, (code, status, label, label_bg) in enumerate(DEFAULTS):
        LegalBasis.objects.get_or_create(
            country="BG",
            code=code,
            defaults={"legal_status": status, "label": label, "label_bg": label_bg, "order": order * 10},
        )


def backwards(apps, schema_editor):
    LegalBasis = apps.get_model("outreach", "LegalBasis")
    LegalBasis.objects.filter(country="BG", code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_default_interventions")]

    operations = [migrations.RunPython(forwards, backwards)]
