from __future__ import annotations

app_name = "careplans"

urlpatterns: list = []
