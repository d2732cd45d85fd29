"""The default eligibility checklist and priority weights (editable in the admin)."""

from django.db import migrations

YES_NO = "yes_no"
CHOICE = "choice"

DEFAULT = [
    # code, question, question_bg, kind, role, points, options
    ("adult", "Is the person 18 or older?", "Лицето навършило ли е 18 години?",
     YES_NO, "required", 0, []),
    ("severe_mental_illness",
     "Does the person have (or very likely have) a severe mental illness?",
     "Има ли лицето (или много вероятно има) тежко психично заболяване?",
     YES_NO, "required", 0, []),
    ("outside_area", "Does the person live outside the area the teams serve?",
     "Живее ли лицето извън района, обслужван от екипите?", YES_NO, "excluding", 0, []),
    ("no_income", "Has the person no income?", "Лицето няма ли доходи?", YES_NO, "scoring", 2, []),
    ("no_documents", "Has the person no valid identity documents?",
     "Лицето няма ли валидни документи за самоличност?", YES_NO, "scoring", 2, []),
    ("housing", "Where does the person live?", "Къде живее лицето?", CHOICE, "scoring", 0, [
        {"value": "street", "label": "Homeless (street)", "label_bg": "Бездомен (на улицата)", "points": 3},
        {"value": "shelter", "label": "Shelter or hostel", "label_bg": "Приют или общежитие", "points": 2},
        {"value": "unstable", "label": "Temporary or unstable", "label_bg": "Временно или несигурно", "points": 1},
        {"value": "stable", "label": "Stable home", "label_bg": "Стабилен дом", "points": 0},
    ]),
    ("no_close_relatives", "Is the person without close relatives who support them?",
     "Лицето без близки роднини ли е, които да го подкрепят?", YES_NO, "scoring", 1, []),
    ("admissions", "Psychiatric admissions in the last 12 months?",
     "Психиатрични хоспитализации през последните 12 месеца?", CHOICE, "scoring", 0, [
        {"value": "none", "label": "None", "label_bg": "Няма", "points": 0},
        {"value": "one", "label": "One, voluntary", "label_bg": "Една, доброволна", "points": 1},
        {"value": "frequent", "label": "Two or more", "label_bg": "Две или повече", "points": 2},
        {"value": "involuntary", "label": "At least one involuntary", "label_bg": "Поне една принудителна", "points": 3},
    ]),
    ("hard_to_engage", "Does the person have difficulty staying in contact with services?",
     "Трудно ли поддържа лицето контакт със службите?", YES_NO, "scoring", 2, []),
    ("substance_use", "Co-morbid substance use?", "Съпътстваща употреба на вещества?",
     YES_NO, "scoring", 1, []),
    ("eviction_risk", "Is the person at risk of eviction?", "Има ли риск от извеждане от жилището?",
     YES_NO, "scoring", 2, []),
    ("children_at_home", "Are there children at home?", "Има ли деца в дома?",
     YES_NO, "scoring", 2, []),
]


def create_default(apps, schema_editor):
    CriteriaVersion = apps.get_model("referrals", "CriteriaVersion")
    Criterion = apps.get_model("referrals", "Criterion")
    version = CriteriaVersion.objects.create(
        municipality=None, version=1, active=True, note="Default set shipped with Outreach"
    )
    for order, (code, question, question_bg, kind, role, points, options) in enumerate(DEFAULT):
        Criterion.objects.create(
            version=version, code=code, question=question, question_bg=question_bg, kind=kind,
            role=role, points=points, options=options, order=(order + 1) * 10,
        )


def remove_default(apps, schema_editor):
    CriteriaVersion = apps.get_model("referrals", "CriteriaVersion")
    ReferralScore = apps.get_model("referrals", "ReferralScore")
    default = CriteriaVersion.objects.filter(municipality__isnull=True, version=1)
    if not ReferralScore.objects.filter(version__in=default).exists():
        default.delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
