"""Reference rows that data migrations ship (interventions, legal bases, criteria, instruments).

A transactional test (browser tests, the Celery worker test) flushes the database when it ends,
and with it these rows. `restore()` puts them back by running the migrations' own functions.
"""

from __future__ import annotations

import importlib

from django.apps import apps

SEEDS = [
    ("outreach.migrations.0003_default_interventions", "forwards", "outreach.Intervention"),
    ("outreach.migrations.0004_legal_bases_bg", "forwards", "outreach.LegalBasis"),
    ("referrals.migrations.0002_default_criteria", "create_default", "referrals.CriteriaVersion"),
    ("careplans.migrations.0003_builtin_instruments", "add_instruments", "careplans.Instrument"),
]


def restore() -> None:
    """Run each data migration whose table is empty."""
    for module, function, model in SEEDS:
        if not apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)
