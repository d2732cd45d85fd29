"""Finding people: case, accents and ё/е do not matter, code fragments match (issue 13, item 1).

The database compares only the normalised keys (outreach/search.py), so SQLite and PostgreSQL
answer alike: `test_the_database_answers_as_the_rule_in_python` checks the database's answer
against the rule run in Python on whichever database the suite runs on (CI: PostgreSQL; the
default: SQLite).
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.urls import reverse

from outreach.models import AuditEvent, Client
from outreach.search import client_keys, matches, normalise, search_filter
from tests.factories import ClientFactory

QUERIES = ["иванов", "ИВАНОВ", "Иванов", "елкин", "Ёлкин", "wmr8", "C-WMR8", "cwmr8", "ЙОРДАН"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Иванов", "иванов"),
        ("ИВАНОВ", "иванов"),
        ("Ёлкин", "елкин"),
        ("Йордан", "йордан"),  # й is a letter of its own, not и with an accent
        ("Мария-Магдалена  Ѝванова", "мария магдалена иванова"),
        ("José Müller", "jose muller"),
        ("Straße", "strasse"),
        ("C-WMR8ABCD", "c wmr8abcd"),
        ("", ""),
    ],
)
def test_normalise(text, key):
    assert normalise(text) == key


def test_client_keys_hold_names_code_and_phone_digits():
    keys = client_keys(
        given_name="Пётр",
        family_name="Ёлкин",
        known_as="Петьо",
        code="C-WMR8ABCD",
        phone="+359 88 123",
    )
    assert keys == {
        "given_key": "петр",
        "family_key": "елкин",
        "search_key": "петр елкин петьо c wmr8abcd cwmr8abcd 35988123",
    }


@pytest.fixture
def people(team, tandem):
    return {
        "ivanov": ClientFactory(team=team, tandem=tandem, given_name="Петър", family_name="Иванов"),
        "ivanova": ClientFactory(
            team=team, tandem=tandem, given_name="Мария", family_name="ИВАНОВА"
        ),
        "elkin": ClientFactory(team=team, tandem=tandem, given_name="Олег", family_name="Ёлкин"),
        "yordan": ClientFactory(team=team, tandem=tandem, given_name="Йордан", family_name="Ив"),
        "code": ClientFactory(
            team=team, tandem=tandem, given_name="Ana", family_name="X", code="C-ZWMR8KQ2"
        ),
        "phone": ClientFactory(
            team=team, tandem=tandem, given_name="Ben", family_name="Y", phone="0888 12 34 56"
        ),
    }


def _search(q):
    return set(Client.objects.filter(search_filter(q)).values_list("pk", flat=True))


def test_case_does_not_matter(people):
    expected = {people["ivanov"].pk, people["ivanova"].pk}
    assert _search("иванов") == _search("ИВАНОВ") == _search("Иванов") == expected


def test_yo_and_ye_are_one_letter(people):
    assert _search("елкин") == _search("ЁЛКИН") == {people["elkin"].pk}


def test_code_fragments_and_phone_digits(people):
    assert _search("WMR8") == _search("c-zwmr8") == _search("CZWMR8") == {people["code"].pk}
    assert _search("888 123") == _search("0888123456") == {people["phone"].pk}


def test_words_in_any_order(people):
    assert _search("иванов петър") == {people["ivanov"].pk}
    assert _search("петър мария") == set()


def test_the_database_answers_as_the_rule_in_python(people):
    everyone = list(Client.objects.all())
    for q in [*QUERIES, "ив", "888 123", "Пет Ив", "  ", "%", "_"]:
        expected = {c.pk for c in everyone if matches(q, c.search_key)}
        assert _search(q) == expected, (connection.vendor, q)


def test_keys_follow_every_change_of_name_code_or_phone(people):
    client = people["elkin"]
    client.family_name = "Щерев"
    client.save(update_fields=["family_name"])
    client.refresh_from_db()
    assert (client.family_key, client.given_key) == ("щерев", "олег")
    assert "щерев" in client.search_key and "елкин" not in client.search_key
    assert _search("елкин") == set()
    assert _search("щерев") == {client.pk}


def test_the_search_page(client, worker, people, django_assert_num_queries):
    client.force_login(worker)
    url = reverse("outreach:client-search")
    pages = {q: client.get(url, {"q": q}) for q in ("иванов", "ИВАНОВ", "Иванов")}
    for response in pages.values():
        assert response.status_code == 200
        assert list(response.context["results"]) == [people["ivanov"], people["ivanova"]]
    assert "Ёлкин" in client.get(url, {"q": "елкин"}).content.decode()
    assert "C-ZWMR8KQ2" in client.get(url, {"q": "WMR8"}).content.decode()
    # Session and user, the one search, the audit event, the session's activity stamp (savepoint,
    # update, release): the same for 2 results or 22.
    for n in range(20):
        ClientFactory(team=people["ivanov"].team, family_name=f"Иванов{n}")
    with django_assert_num_queries(7):
        response = client.get(url, {"q": "иВаНоВ"})
    assert len(response.context["results"]) == 22
    # A row per client found, each on that client's trail; the searched name is not kept.
    searches = AuditEvent.objects.filter(action="client.search")
    assert searches.exists() and not searches.filter(client__isnull=True).exists()
    assert not searches.filter(path__icontains="иванов").exists()


def test_search_finds_only_clients_of_ones_teams(client, outsider, people):
    client.force_login(outsider)
    response = client.get(reverse("outreach:client-search"), {"q": "иванов"})
    assert list(response.context["results"]) == []


def test_the_migration_backfills_the_keys(people):
    Client.objects.update(given_key="", family_key="", search_key="")
    migration = importlib.import_module(
        "outreach.migrations.0013_search_keys_and_submission_tokens"
    )
    from django.apps import apps

    migration.backfill(apps, None)
    assert _search("елкин") == {people["elkin"].pk}
    assert _search("wmr8") == {people["code"].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_has_the_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'client_search_key_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    # The planner can answer a search from the index (at 100 000 clients it prefers it; on a
    # near-empty test table only when told not to scan).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Client.objects.filter(search_filter("иванов wmr8")).explain()
    assert "client_search_key_trgm" in plan
