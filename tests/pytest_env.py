"""Test-only settings, given as environment variables before Django reads its settings.

Loaded with `-p tests.pytest_env` (pyproject addopts), which runs before pytest-django imports
the settings. The tests run with the production settings otherwise (DEBUG off).
"""

from __future__ import annotations

import os

TEST_ENV = {
    "SECRET_KEY": "tests-only-not-a-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    # Tests that are about the second factor switch it on themselves.
    "REQUIRE_2FA": "false",
    # The test client and the live server speak plain HTTP.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "STATIC_MANIFEST": "false",
}

for key, value in TEST_ENV.items():
    os.environ.setdefault(key, value)


def _worker_broker(url: str, worker: str) -> str:
    """Each xdist worker (gw0, gw1, ...) gets a Redis database of its own: gw0 keeps the one
    given, gw1 the one below it, and so on, so that one worker's tasks, locks and flushes never
    reach another's."""
    import re

    match = re.fullmatch(r"(redis://[^/]+)/(\d+)", url)
    if not match or not worker.startswith("gw"):
        return url
    db = (int(match.group(2)) - int(worker[2:])) % 16
    return f"{match.group(1)}/{db}"


if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("CELERY_BROKER_URL"):
    os.environ["CELERY_BROKER_URL"] = _worker_broker(
        os.environ["CELERY_BROKER_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )
