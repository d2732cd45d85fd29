"""The API keeps its own schema: schemathesis, all checks but `ignored_auth`, as each role.

The app runs in pytest-django's live server with a small team record (a client with an
episode, a contact, a care plan, a referral); schemathesis reads /api/schema/ with the role's
token and sends generated requests, a bounded number per operation and deterministic
(`--generation-deterministic`), so the run is repeatable. In the suite each role runs the
examples and fuzzing phases (about a minute a role); the coverage phase (boundary and negative
values of every parameter: some 6 000 requests, about six minutes a role) runs as its own CI
step, `make api-coverage`, which sets SCHEMATHESIS_PHASES.
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
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing")
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
        PHASES,
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


# One test per role, so that parallel workers share them out.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_nothing_as_any_role(
    role, live_server, users_by_role, team_client, worker, tmp_path
):
    ContactFactory(client=team_client, author=worker)
    CarePlan.objects.get_or_create(episode=team_client.episodes.first())
    ReferralFactory(
        municipality=team_client.team.municipality, submitted_by=users_by_role["partner"]
    )
    user = users_by_role[role]
    key = api_token_create(owner=user, origin=make_origin(), name=f"schemathesis {role}").key
    result = _run(live_server, key, tmp_path)
    assert result.returncode == 0, (
        f"===== as {role}, phases {PHASES} =====\n{result.stdout[-15000:]}{result.stderr[-2000:]}"
    )
