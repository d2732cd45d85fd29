from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from outreach import env
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


def test_api_token_days_must_be_a_positive_number():
    result = _manage("check", DEBUG="true", API_TOKEN_DAYS="0")
    assert result.returncode != 0
    assert "API_TOKEN_DAYS must be at least 1" in result.stderr
