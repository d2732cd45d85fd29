"""Small typed readers for settings taken from the environment; bad values fail at start-up."""

from __future__ import annotations

import os
import zoneinfo

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a string, or the default when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; reject anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Return the variable as an integer not below `minimum`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_timezone(name: str, default: str) -> str:
    """Return a valid IANA time-zone name."""
    value = os.environ.get(name, default).strip() or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not a known time zone: {value!r}") from exc
    return value


DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105


def env_secret_key(name: str, *, debug: bool) -> str:
    """Return the secret key; with DEBUG off it must be set and strong (Django's check's rules)."""
    value = os.environ.get(name, "")
    if debug:
        return value or DEVELOPMENT_SECRET_KEY
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
    if (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        # Never repeat the key: the message ends up in logs.
        raise ImproperlyConfigured(
            f"{name} is too weak for DEBUG off: it needs at least {SECRET_KEY_MIN_LENGTH} "
            f"characters, at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and must "
            f"not start with {SECRET_KEY_INSECURE_PREFIX!r}. Make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value
