"""`{% session_seconds %}`: how long a session lasts without activity, for the page's own clock."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_seconds() -> int:
    """Return the idle timeout in seconds (the form's draft is kept when it passes)."""
    return int(settings.SESSION_COOKIE_AGE)
