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
