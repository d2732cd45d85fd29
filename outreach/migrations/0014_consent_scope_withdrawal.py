"""Consents get a scope from a list, a link to the agency, dates and a withdrawal (issue 15, item 5).

The old free-text scope is kept in `scope_note`; known words map to scopes. A consent whose text
names several scopes becomes one consent per scope (the first keeps the row, and so the shares
that point to it; the crisis sheet first). Text that names none keeps a blank scope, which allows
no sharing until the team records the consent again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Words (English and Bulgarian) of free-text scopes and the scope they name, in this order.
KNOWN = [
    ("crisis_sheet", ("crisis", "кризис")),
    ("care_plan", ("care plan", "plan of care", "план за грижа")),
    ("case_conference", ("case conference", "conference", "minutes", "конференц", "протокол")),
    ("responsibility_matrix", ("responsibilit", "matrix", "отговорност", "матрица")),
]


def scopes_of(text):
    text = (text or "").lower()
    return [scope for scope, words in KNOWN if any(w in text for w in words)]


def map_scopes(apps, schema_editor):
    Consent = apps.get_model("outreach", "Consent")
    for consent in Consent.objects.order_by("pk"):
        text = consent.scope
        found = scopes_of(text)
        consent.scope_note = text
        consent.scope = found[0] if found else ""
        consent.save(update_fields=["scope", "scope_note"])
        for scope in found[1:]:
            Consent.objects.create(
                client_id=consent.client_id,
                recipient_kind=consent.recipient_kind,
                recipient=consent.recipient,
                support_person_id=consent.support_person_id,
                scope=scope,
                scope_note=text,
                given_on=consent.given_on,
                withdrawn_on=consent.withdrawn_on,
            )


def unmap_scopes(apps, schema_editor):
    Consent = apps.get_model("outreach", "Consent")
    kept = set()
    for consent in Consent.objects.exclude(scope_note="").order_by("pk"):
        key = (consent.client_id, consent.recipient, consent.given_on, consent.scope_note)
        if key in kept:
            consent.delete()  # a copy made by the split
            continue
        kept.add(key)
        consent.scope = consent.scope_note
        consent.save(update_fields=["scope"])



class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0013_search_keys_and_submission_tokens'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='consents', to='outreach.caseagency', verbose_name='agency of the case'),
        ),
        migrations.AddField(
            model_name='consent',
            name='scope_note',
            field=models.CharField(blank=True, help_text='The scope in words, as recorded before scopes were a list.', max_length=300, verbose_name='scope as first recorded'),
        ),
        migrations.AddField(
            model_name='consent',
            name='valid_until',
            field=models.DateField(blank=True, null=True, verbose_name='valid until'),
        ),
        migrations.AddField(
            model_name='consent',
            name='withdrawn_how',
            field=models.CharField(blank=True, choices=[('in_person', 'In person'), ('phone', 'By phone'), ('writing', 'In writing'), ('support_person', 'Through a support person')], max_length=20, verbose_name='how the client withdrew it'),
        ),
        migrations.AddField(
            model_name='consent',
            name='withdrawn_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawal recorded by'),
        ),
        migrations.RunPython(map_scopes, unmap_scopes),
        migrations.AlterField(
            model_name='consent',
            name='scope',
            field=models.CharField(blank=True, choices=[('crisis_sheet', 'Crisis sheet'), ('care_plan', 'Care plan'), ('case_conference', 'Case conference minutes'), ('responsibility_matrix', 'Responsibility matrix')], max_length=30, verbose_name='what may be shared'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='support_person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='consents', to='outreach.supportperson', verbose_name='person of the support network'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('given_on')), _connector='OR'), name='consent_valid_until_after_given'),
        ),
    ]
