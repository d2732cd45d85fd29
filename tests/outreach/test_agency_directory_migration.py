"""The data migration that turns free-text agencies into entries of each municipality's
directory (kind `other`, so no figure changes), matched ignoring case and spaces."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps

from outreach.models import Agency, AgencyRequest, Municipality
from tests.factories import ClientFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _migration():
    # Found by its function, not its number (migrations are renumbered at merge).
    folder = Path(__file__).resolve().parents[2] / "outreach" / "migrations"
    for path in sorted(folder.glob("0*.py")):
        if "def free_text_into_directory" in path.read_text():
            return importlib.import_module(f"outreach.migrations.{path.stem}")
    raise AssertionError("no migration defines free_text_into_directory")


def test_free_text_agencies_become_directory_entries_per_municipality(team):
    other = TeamFactory(municipality=Municipality.objects.create(name="Varna", slug="varna"))
    a, b = ClientFactory(team=team), ClientFactory(team=other)
    for client, name in (
        (a, "Labour office"),
        (a, "  labour   Office "),
        (a, "Housing"),
        (b, "Labour office"),
    ):
        AgencyRequest.objects.create(client=client, agency=name, sent_on=date(2026, 1, 5))
    _migration().free_text_into_directory(apps, None)
    entries = sorted(Agency.objects.values_list("municipality__slug", "name", "kind"))
    assert entries == [
        (team.municipality.slug, "Housing", "other"),
        (team.municipality.slug, "Labour office", "other"),
        ("varna", "Labour office", "other"),
    ]
    assert not AgencyRequest.objects.filter(listed_agency__isnull=True).exists()
    mine = AgencyRequest.objects.filter(client=a, agency__icontains="labour")
    assert mine.values("listed_agency").distinct().count() == 1
    assert AgencyRequest.objects.get(client=b).listed_agency.municipality.slug == "varna"
