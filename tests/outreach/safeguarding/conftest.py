from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days_ago(today):
    def f(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    return f


@pytest.fixture
def post_page(client, worker, team_client):
    """POST a client form of the safeguarding pages as the tandem's professional."""
    client.force_login(worker)

    def f(name: str, data: dict, *args):
        return client.post(reverse(f"outreach:{name}", args=[team_client.pk, *args]), data)

    return f


@pytest.fixture
def api(client, worker):
    client.force_login(worker)
    return client
