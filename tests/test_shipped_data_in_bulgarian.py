"""Reference data shipped by migrations (interventions, legal bases, instruments, criteria)
carries its Bulgarian text, as the code's catalogues do (tests/outreach/test_i18n.py).

A model says it has a Bulgarian text by a field named `<field>_bg`; instruments keep their
texts as `{"en": ..., "bg": ...}` inside their items and scoring.
"""

from __future__ import annotations

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"outreach", "referrals", "careplans", "indicators"}


def _bilingual_models():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        pairs = [
            (f.name[: -len("_bg")], f.name)
            for f in model._meta.get_fields()
            if f.name.endswith("_bg") and hasattr(model, f.name[: -len("_bg")])
        ]
        if pairs:
            yield model, pairs


def _texts_without_bulgarian(value, where):
    if isinstance(value, dict):
        if "en" in value and str(value.get("en") or "").strip():
            if not str(value.get("bg") or "").strip():
                yield f"{where}: {value['en']!r}"
        for key, inner in value.items():
            yield from _texts_without_bulgarian(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts_without_bulgarian(inner, f"{where}[{index}]")


def test_every_shipped_row_has_its_bulgarian_text():
    found = {}
    missing = []
    for model, pairs in _bilingual_models():
        rows = list(model.objects.all())
        found[model.__name__] = len(rows)
        for row in rows:
            for english, bulgarian in pairs:
                if str(getattr(row, english) or "").strip() and not getattr(row, bulgarian).strip():
                    missing.append(
                        f"{model.__name__} {row.pk}.{bulgarian}: {getattr(row, english)!r}"
                    )
            for field in model._meta.concrete_fields:
                if field.get_internal_type() == "JSONField":
                    where = f"{model.__name__} {row.pk}.{field.name}"
                    missing.extend(_texts_without_bulgarian(getattr(row, field.name), where))
    # The migrations ship these lists: the test must have rows to look at.
    for name in ("Intervention", "LegalBasis", "Instrument", "Criterion"):
        assert found.get(name), f"no {name} rows shipped by the migrations"
    assert missing == []
