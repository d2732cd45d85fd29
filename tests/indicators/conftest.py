from __future__ import annotations

from tests.caseload_fixtures import calm_client, flagged, noon, second_tandem, today

__all__ = ["calm_client", "flagged", "noon", "second_tandem", "today"]
