from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from outreach import env
from outreach.models import AuditEvent, Client, Contact, Episode, Municipality, Role, Team, User
from tests.pytest_env import TEST_ENV

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("func", "name", "raw"),
    [
        (env.env_bool, "X_BOOL", "maybe"),
        (env.env_int, "X_INT", "ten"),
        (env.env_timezone, "X_TZ", "Mars/Olympus"),
    ],
)
def test_env_readers_reject_bad_values(monkeypatch, func, name, raw):
    monkeypatch.setenv(name, raw)
    default = {env.env_int: 1, env.env_bool: True, env.env_timezone: "UTC"}[func]
    with pytest.raises(ImproperlyConfigured, match=name):
        func(name, default)


def _manage(*args, **extra_env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "DATABASE_URL",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            *TEST_ENV,
        }
    }
    base.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="outreach.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_required_without_debug():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_seed_demo_is_idempotent_and_prints_logins(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Client.objects.count(), Contact.objects.count(), Episode.objects.count())
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert (Client.objects.count(), Contact.objects.count(), Episode.objects.count()) == counts
    assert "already loaded" in second
    assert Municipality.objects.get(slug="sofia").teams.count() == 2
    assert Client.objects.count() == 90
    assert Contact.objects.count() > 2000
    for username in ["worker", "peer", "supervisor", "coordinator", "partner", "admin"]:
        assert username in first
    roles = set(User.objects.values_list("role", flat=True))
    assert {
        Role.PROFESSIONAL,
        Role.PEER,
        Role.SUPERVISOR,
        Role.COORDINATOR,
        Role.PARTNER,
        Role.ADMIN,
    } <= roles
    for team in Team.objects.all():
        assert 40 <= team.clients.count() <= 50
    # The demo's writes are audited as the seed command's, never as a page's request.
    assert AuditEvent.objects.filter(action="careplan.create").exists()
    assert set(AuditEvent.objects.values_list("path", "ip_address")) == {("system:seed_demo", None)}


def test_api_token_days_must_be_a_positive_number():
    result = _manage("check", DEBUG="true", API_TOKEN_DAYS="0")
    assert result.returncode != 0
    assert "API_TOKEN_DAYS must be at least 1" in result.stderr
