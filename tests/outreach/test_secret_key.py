"""A weak SECRET_KEY stops the start when DEBUG is off (the rules of Django's own check)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from outreach.env import env_secret_key
from tests.outreach.test_settings_and_commands import _manage

STRONG = "kq3VZ8o1Hc2n7LwT0sJ5yF9dB4xRmA6pGeUiN-_ztYvCbWaQhXjMlKr"
WEAK = {
    "short": "tests-only-not-a-secret",  # fewer than 50 characters
    "few-characters": "ab" * 30,  # fewer than 5 different characters
    "django-insecure": "django-insecure-" + STRONG,  # startproject's throwaway keys
}


@pytest.mark.parametrize("weak", WEAK.values(), ids=WEAK.keys())
def test_weak_secret_key_is_refused_without_debug(monkeypatch, weak):
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is too weak") as refused:
        env_secret_key("SECRET_KEY", debug=False)
    assert weak not in str(refused.value)  # the message never repeats the key
    assert env_secret_key("SECRET_KEY", debug=True) == weak  # development takes any key


def test_strong_secret_key_is_accepted(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG)
    assert env_secret_key("SECRET_KEY", debug=False) == STRONG


def test_the_app_does_not_start_with_a_short_secret_key():
    result = _manage("check", DEBUG="false", SECRET_KEY=WEAK["short"])
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for DEBUG off" in result.stderr
    assert WEAK["short"] not in result.stderr
