from __future__ import annotations

app_name = "referrals"

urlpatterns: list = []
