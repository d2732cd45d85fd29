"""DRF permission shared by every API view (the default in settings)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import permissions


class IsVerifiedStaff(permissions.BasePermission):
    """A signed-in user; with a session, also past the second factor when that is required."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if settings.OUTREACH_REQUIRE_2FA and request.auth is None:
            return bool(getattr(user, "is_verified", lambda: False)())
        return True
