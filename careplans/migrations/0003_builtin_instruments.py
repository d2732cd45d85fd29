"""Ship MANSA and DIALOG as data (English and Bulgarian item texts).

The definitions live here, not in application code, so that this migration keeps working
whatever later code does; later changes to an instrument are new versions added as data.
"""

from django.db import migrations

MANSA_LABELS = {
    "1": {"en": "Couldn't be worse", "bg": "Не може да бъде по-зле"},
    "2": {"en": "Displeased", "bg": "Недоволен/на"},
    "3": {"en": "Mostly dissatisfied", "bg": "Предимно недоволен/на"},
    "4": {"en": "Mixed", "bg": "Смесени чувства"},
    "5": {"en": "Mostly satisfied", "bg": "Предимно доволен/на"},
    "6": {"en": "Pleased", "bg": "Доволен/на"},
    "7": {"en": "Couldn't be better", "bg": "Не може да бъде по-добре"},
}

MANSA_SATISFACTION = [
    ("life", "How satisfied are you with your life as a whole today?",
     "Колко сте доволни от живота си като цяло днес?"),
    ("job", "How satisfied are you with your job (or sheltered employment, training or "
     "education; or with being unemployed or retired)?",
     "Колко сте доволни от работата си (или от защитената заетост, обучението; или от това, "
     "че не работите или сте пенсионер/ка)?"),
    ("finances", "How satisfied are you with your financial situation?",
     "Колко сте доволни от финансовото си положение?"),
    ("friendships", "How satisfied are you with the number and quality of your friendships?",
     "Колко сте доволни от броя и качеството на приятелствата си?"),
    ("leisure", "How satisfied are you with your leisure activities?",
     "Колко сте доволни от заниманията си в свободното време?"),
    ("accommodation", "How satisfied are you with your accommodation?",
     "Колко сте доволни от жилището си?"),
    ("safety", "How satisfied are you with your personal safety?",
     "Колко сте доволни от личната си безопасност?"),
    ("living_with", "How satisfied are you with the people that you live with "
     "(or with living alone)?",
     "Колко сте доволни от хората, с които живеете (или от това, че живеете сами)?"),
    ("sex_life", "How satisfied are you with your sex life?",
     "Колко сте доволни от сексуалния си живот?"),
    ("family", "How satisfied are you with your relationship with your family?",
     "Колко сте доволни от отношенията със семейството си?"),
    ("physical_health", "How satisfied are you with your physical health?",
     "Колко сте доволни от физическото си здраве?"),
    ("mental_health", "How satisfied are you with your mental health?",
     "Колко сте доволни от психичното си здраве?"),
]

MANSA_YES_NO = [
    ("close_friend", "Do you have anyone who you would call a close friend?",
     "Имате ли човек, когото бихте нарекли близък приятел?"),
    ("seen_friend", "In the past week, have you seen a friend (visited, been visited or met "
     "outside)?",
     "През последната седмица виждали ли сте се с приятел (на гости у вас, у него или навън)?"),
    ("accused_crime", "In the past year, have you been accused of a crime?",
     "През последната година обвинявани ли сте в престъпление?"),
    ("victim_violence", "In the past year, have you been a victim of physical violence?",
     "През последната година били ли сте жертва на физическо насилие?"),
]

DIALOG_LABELS = {
    "1": {"en": "Totally dissatisfied", "bg": "Напълно недоволен/на"},
    "2": {"en": "Very dissatisfied", "bg": "Много недоволен/на"},
    "3": {"en": "Fairly dissatisfied", "bg": "По-скоро недоволен/на"},
    "4": {"en": "In the middle", "bg": "По средата"},
    "5": {"en": "Fairly satisfied", "bg": "По-скоро доволен/на"},
    "6": {"en": "Very satisfied", "bg": "Много доволен/на"},
    "7": {"en": "Totally satisfied", "bg": "Напълно доволен/на"},
}

DIALOG_LIFE = [
    ("mental_health", "How satisfied are you with your mental health?",
     "Колко сте доволни от психичното си здраве?"),
    ("physical_health", "How satisfied are you with your physical health?",
     "Колко сте доволни от физическото си здраве?"),
    ("job", "How satisfied are you with your job situation?",
     "Колко сте доволни от положението си по отношение на работата?"),
    ("accommodation", "How satisfied are you with your accommodation?",
     "Колко сте доволни от жилището си?"),
    ("leisure", "How satisfied are you with your leisure activities?",
     "Колко сте доволни от заниманията си в свободното време?"),
    ("partner_family", "How satisfied are you with your relationship with your partner or "
     "family?",
     "Колко сте доволни от отношенията с партньора или семейството си?"),
    ("friendships", "How satisfied are you with your friendships?",
     "Колко сте доволни от приятелствата си?"),
    ("safety", "How satisfied are you with your personal safety?",
     "Колко сте доволни от личната си безопасност?"),
]

DIALOG_TREATMENT = [
    ("medication", "How satisfied are you with your medication?",
     "Колко сте доволни от лекарствата си?"),
    ("practical_help", "How satisfied are you with the practical help you receive?",
     "Колко сте доволни от практическата помощ, която получавате?"),
    ("meetings", "How satisfied are you with your meetings with mental health professionals?",
     "Колко сте доволни от срещите си със специалистите по психично здраве?"),
]


def _scale_item(code, en, bg, labels, **extra):
    return {
        "code": code,
        "type": "scale",
        "min": 1,
        "max": 7,
        "text": {"en": en, "bg": bg},
        "labels": labels,
        **extra,
    }


def _yes_no_item(code, en, bg):
    return {"code": code, "type": "yes_no", "text": {"en": en, "bg": bg}}


MANSA = {
    "code": "mansa",
    "version": "1",
    "name": "MANSA (Manchester Short Assessment of Quality of Life)",
    "name_bg": "MANSA (Манчестърска кратка оценка на качеството на живот)",
    "rated_by": "client",
    "scheduled": True,
    "items": [_scale_item(c, en, bg, MANSA_LABELS) for c, en, bg in MANSA_SATISFACTION]
    + [_yes_no_item(c, en, bg) for c, en, bg in MANSA_YES_NO],
    "scoring": {
        "rule": "mean",
        "items": [c for c, _en, _bg in MANSA_SATISFACTION],
    },
    "licence_note": (
        "MANSA: Priebe S, Huxley P, Knight S, Evans S. Application and results of the "
        "Manchester Assessment of Quality of Life (MANSA). Int J Soc Psychiatry 1999;45(1):7-12. "
        "Score: mean of the 12 satisfaction items (1-7); the 4 yes/no items are not scored. "
        "Use and reproduce it with this citation and check the current terms with the authors "
        "(Unit for Social and Community Psychiatry, Queen Mary University of London) before "
        "any commercial use. The Bulgarian wording is a working translation, not a validated "
        "version."
    ),
}

DIALOG = {
    "code": "dialog",
    "version": "1",
    "name": "DIALOG",
    "name_bg": "DIALOG",
    "rated_by": "client",
    "scheduled": False,
    "items": [
        _scale_item(c, en, bg, DIALOG_LABELS, more_help=True)
        for c, en, bg in DIALOG_LIFE + DIALOG_TREATMENT
    ],
    "scoring": {
        "rule": "mean",
        "items": [c for c, _en, _bg in DIALOG_LIFE],
        "sub_scores": [
            {
                "code": "quality_of_life",
                "label": {"en": "Quality of life", "bg": "Качество на живот"},
                "rule": "mean",
                "items": [c for c, _en, _bg in DIALOG_LIFE],
            },
            {
                "code": "treatment_satisfaction",
                "label": {"en": "Treatment satisfaction", "bg": "Удовлетвореност от лечението"},
                "rule": "mean",
                "items": [c for c, _en, _bg in DIALOG_TREATMENT],
            },
        ],
    },
    "licence_note": (
        "DIALOG: Priebe S, Golden E, McCabe R, Reininghaus U. Patient-reported outcome data "
        "generated in a clinical intervention in community mental health care - psychometric "
        "properties. BMC Psychiatry 2012;12:113. Eight life domains (quality of life = their "
        "mean) and three treatment aspects (treatment satisfaction = their mean), each rated "
        "1-7, with 'do you want more help?' per item. Developed at Queen Mary University of "
        "London; cite the source and check the current terms with the authors. The Bulgarian "
        "wording is a working translation, not a validated version."
    ),
}

BUILTIN = [MANSA, DIALOG]


def add_instruments(apps, schema_editor):
    Instrument = apps.get_model("careplans", "Instrument")
    for definition in BUILTIN:
        fields = {k: v for k, v in definition.items() if k not in ("code", "version")}
        Instrument.objects.update_or_create(
            code=definition["code"], version=definition["version"], defaults=fields
        )


def remove_instruments(apps, schema_editor):
    Instrument = apps.get_model("careplans", "Instrument")
    for definition in BUILTIN:
        Instrument.objects.filter(
            code=definition["code"], version=definition["version"], assessments__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0002_initial"),
    ]

    operations = [migrations.RunPython(add_instruments, remove_instruments)]
