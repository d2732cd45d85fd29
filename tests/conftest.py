"""Shared fixtures: two teams, one user per role, a client of the team."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.models import Role
from tests.factories import (
    ClientFactory,
    EpisodeFactory,
    MunicipalityFactory,
    TandemFactory,
    TeamFactory,
    UserFactory,
    make_origin,
)

# Each app lists the objects behind its URL parameters in tests/route_params/<app>.py.
pytest_plugins = [
    f"tests.route_params.{p.stem}"
    for p in sorted((Path(__file__).parent / "route_params").glob("*.py"))
    if p.stem != "__init__"
]


# Production uses WhiteNoise's compressing subclass of this storage. Its names and manifest are the
# same; compressing every file (gzip and brotli) takes 35 s per test process and no test reads a
# compressed file, so the suite collects with the plain manifest storage (0.7 s).
MANIFEST_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


@pytest.fixture(scope="session")
def _collected_static(tmp_path_factory) -> Path:
    """collectstatic with content-hashed names as in production, once per test process."""
    from django.conf import settings as django_settings
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    storages = {**django_settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_static(settings, _collected_static) -> Path:
    """Collected, content-hashed static files as in production (DEBUG is off in tests)."""
    assert not settings.DEBUG
    # Django's test signals rebuild the static storage when these settings change.
    settings.STATIC_ROOT = _collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    return settings.STATIC_ROOT


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Sofia", slug="sofia")


@pytest.fixture
def team(municipality):
    return TeamFactory(municipality=municipality, name="Team Centre", slug="centre")


@pytest.fixture
def other_team(municipality):
    return TeamFactory(municipality=municipality, name="Team Lyulin", slug="lyulin")


@pytest.fixture
def tandem(team):
    return TandemFactory(team=team)


@pytest.fixture
def worker(tandem):
    """The professional of the tandem."""
    return tandem.professional


@pytest.fixture
def peer(tandem):
    return tandem.peer


@pytest.fixture
def supervisor(team):
    return UserFactory(role=Role.SUPERVISOR, teams=[team])


@pytest.fixture
def coordinator(municipality):
    return UserFactory(role=Role.COORDINATOR, municipality=municipality)


@pytest.fixture
def partner(municipality):
    return UserFactory(role=Role.PARTNER, municipality=municipality, organisation="Hospital")


@pytest.fixture
def dpo(municipality):
    """The municipality's data-protection officer: audit rows and client codes, nothing clinical."""
    return UserFactory(role=Role.DPO, municipality=municipality)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(other_team):
    """A worker of another team: must never see the team's clients."""
    return UserFactory(role=Role.PROFESSIONAL, teams=[other_team])


@pytest.fixture
def outside_supervisor(other_team):
    return UserFactory(role=Role.SUPERVISOR, teams=[other_team])


@pytest.fixture
def origin():
    """Where a direct service call comes from (services audit it); the actor is passed apart."""
    return make_origin()


@pytest.fixture
def team_client(team, tandem):
    client = ClientFactory(team=team, tandem=tandem, given_name="Maria", family_name="Ivanova")
    EpisodeFactory(client=client, tandem=tandem)
    return client


@pytest.fixture
def users_by_role(
    worker, peer, supervisor, coordinator, partner, admin_user, outsider, outside_supervisor, dpo
):
    return {
        "worker": worker,
        "peer": peer,
        "supervisor": supervisor,
        "coordinator": coordinator,
        "partner": partner,
        "admin": admin_user,
        "outsider": outsider,
        "outside_supervisor": outside_supervisor,
        "dpo": dpo,
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: marks such as "a PDF render is queued" are keyed
    by primary keys, which SQLite reuses from one test to the next."""
    from django.core.cache import caches

    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness makes every fixture user cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run eagerly in tests, as in the embedded default, even when a broker is configured.

    The test that kills a real worker (marked `celery_worker`) talks to Redis itself.
    """
    from outreach.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests start from a flushed database: give them the shipped reference rows."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from tests.reference_data import restore

        request.getfixturevalue("transactional_db")
        restore()


@pytest.fixture(scope="session", autouse=True)
def _sqlite_flush_lifts_the_audit_triggers():
    """Let a transactional test's flush empty the audit log on SQLite, as TRUNCATE does on PostgreSQL.

    SQLite's flush is `DELETE FROM`, which the append-only triggers refuse; they are dropped
    for the flush and created again in the same transaction. The application has no such path.
    """
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    triggers = importlib.import_module("outreach.migrations.0008_auditevent_append_only_sqlite")
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if "outreach_auditevent" not in tables:
            return statements
        return [*triggers.drop_sql(), *statements, *triggers.create_sql()]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield
