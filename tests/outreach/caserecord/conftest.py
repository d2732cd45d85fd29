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
def moment_ago():
    def f(**delta) -> str:
        return timezone.localtime(timezone.now() - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")

    return f


@pytest.fixture
def post_event(client, worker, team_client):
    client.force_login(worker)

    def f(name: str, data: dict, *args):
        return client.post(reverse(f"outreach:{name}", args=[team_client.pk, *args]), data)

    return f


@pytest.fixture
def events_page(client, worker, team_client):
    def f() -> str:
        client.force_login(worker)
        url = reverse("outreach:client-events", args=[team_client.pk])
        return client.get(url, headers={"HX-Request": "true"}).content.decode()

    return f
