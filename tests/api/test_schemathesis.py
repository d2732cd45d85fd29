"""The API keeps its own schema: schemathesis, all checks but `ignored_auth`, as each role.

The app runs in pytest-django's live server with a small team record (a client with an
episode, a contact, a care plan, a referral); schemathesis reads /api/schema/ with the role's
token and sends generated requests (examples, coverage and fuzzing phases), a bounded number per
operation and deterministic (`--generation-deterministic`), so the run is repeatable and takes
a minute or two per role.
Any failure is printed with the request that reproduces it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplans.models import CarePlan
from outreach.accounts.services import api_token_create
from tests.factories import ContactFactory, ReferralFactory, make_origin

CONFIG = Path(__file__).with_name("schemathesis.toml")
ROLES = ["worker", "supervisor", "coordinator", "partner"]
MAX_EXAMPLES = 5  # per operation and role: about 60 resources × 4 roles; 15 took ~20 min here
CHECKS = "all"
EXCLUDED_CHECKS = "ignored_auth"


def _schemathesis() -> list[str]:
    return [str(Path(sys.executable).with_name("schemathesis"))]


def _run(live_server, key: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [
        *_schemathesis(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/schema/",
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {key}",
        "--checks",
        CHECKS,
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        "--suppress-health-check",
        "all",
    ]
    return subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=900, cwd=cwd, env=dict(os.environ)
    )


# One test for all roles: the live server's database is set up once (a transactional test).
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing_as_any_role(
    live_server, users_by_role, team_client, worker, tmp_path
):
    ContactFactory(client=team_client, author=worker)
    CarePlan.objects.get_or_create(episode=team_client.episodes.first())
    ReferralFactory(
        municipality=team_client.team.municipality, submitted_by=users_by_role["partner"]
    )
    failures = []
    for role in ROLES:
        user = users_by_role[role]
        key = api_token_create(owner=user, origin=make_origin(), name=f"schemathesis {role}").key
        result = _run(live_server, key, tmp_path)
        if result.returncode != 0:
            failures.append(
                f"===== as {role} =====\n{result.stdout[-15000:]}{result.stderr[-2000:]}"
            )
    assert not failures, "\n".join(failures)
