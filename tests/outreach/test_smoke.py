from __future__ import annotations

from django.urls import reverse


def test_login_page_renders(client, db):
    response = client.get(reverse("outreach:login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_worker_sees_own_client(client, worker, team_client):
    client.force_login(worker)
    response = client.get(team_client.get_absolute_url())
    assert response.status_code == 200
    assert "Maria Ivanova" in response.content.decode()
