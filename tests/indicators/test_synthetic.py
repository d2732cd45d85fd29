"""generate_synthetic: deterministic, realistic proportions, and its CSV imports cleanly."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count

from careplans.models import Assessment, PlanAgreement
from indicators.dataio.synthetic import Generator
from outreach.models import (
    AuditEvent,
    Client,
    CoerciveMeasure,
    Contact,
    Episode,
    HospitalStay,
    Team,
)
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def generate(*args: str) -> dict:
    out = io.StringIO()
    call_command("generate_synthetic", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_same_seed_same_history_whatever_the_chunk():
    a = Generator(seed=3, teams=2)
    b = Generator(seed=3, teams=2)
    assert [a.person(i).rows for i in range(5)] == [
        p.rows for chunk in b.chunks(5, size=2) for p in chunk
    ]
    assert Generator(seed=4, teams=2).person(0).rows != a.person(0).rows


def test_generates_a_realistic_caseload_into_the_database():
    counts = generate("--clients", "40", "--seed", "5", "--teams", "2")

    assert Team.objects.count() == 2
    assert Client.objects.count() == 40
    assert counts["tables"]["outreach.Contact"] == Contact.objects.count()
    per_client = Contact.objects.count() / 40
    assert 60 <= per_client <= 140
    assert Contact.staff.through.objects.count() >= Contact.objects.count()
    # Every client has an episode; none of one client's episodes overlap.
    assert set(Episode.objects.values_list("client", flat=True)) == set(
        Client.objects.values_list("pk", flat=True)
    )
    for client in Client.objects.annotate(n=Count("episodes")).filter(n__gt=1):
        first, second = client.episodes.order_by("started_on")
        assert first.ended_on is not None and second.started_on > first.ended_on
    assert HospitalStay.objects.filter(pre_intake=True).exists()
    assert Referral.objects.filter(client__isnull=False).count() >= 40
    assert PlanAgreement.objects.filter(kind="first").count() == 40
    assert Assessment.objects.filter(instrument__code="mansa").count() >= 40
    assert CoerciveMeasure.objects.count() + HospitalStay.objects.count() > 0
    assert AuditEvent.objects.filter(action="caseload.generate").count() == 1
    # Written in bulk, past Client.save: the generator sets the search keys itself.
    for c in Client.objects.all():
        assert c.search_key.startswith(f"{c.given_key} {c.family_key}".strip())
        assert c.code[2:].lower() in c.search_key and c.given_key


def test_csv_output_imports_with_the_same_counts(tmp_path):
    in_db = generate("--clients", "30", "--seed", "6", "--teams", "1")["tables"]
    written = generate("--clients", "30", "--seed", "6", "--teams", "1", "--csv", str(tmp_path))
    assert written["tables"]["contacts.csv"] == in_db["outreach.Contact"]
    assert written["tables"]["hospital_stays.csv"] == in_db["outreach.HospitalStay"]

    call_command(
        "import_caseload",
        str(tmp_path),
        team="imported",
        municipality="synthetic",
        stdout=io.StringIO(),
    )
    team = Team.objects.get(slug="imported")
    assert Contact.objects.filter(client__team=team).count() == in_db["outreach.Contact"]
    assert (
        Contact.staff.through.objects.filter(contact__client__team=team).count()
        == in_db["outreach.Contact_staff"]
    )
    assert (
        HospitalStay.objects.filter(client__team=team, pre_intake=True).count()
        == HospitalStay.objects.exclude(client__team=team).filter(pre_intake=True).count()
    )
    generated = Contact.objects.exclude(client__team=team)
    imported = Contact.objects.filter(client__team=team)
    assert sorted(generated.values_list("started_at", "duration_minutes", "mode")) == sorted(
        imported.values_list("started_at", "duration_minutes", "mode")
    )
