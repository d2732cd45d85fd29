from __future__ import annotations

import pytest

from careplans import services


@pytest.fixture
def episode(team_client):
    return team_client.episodes.get()


@pytest.fixture
def plan(episode, worker, origin):
    return services.careplan_create(
        episode=episode, author=worker, what_matters="Искам да живея сама.", origin=origin
    )
