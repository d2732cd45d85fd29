"""Where a call came from: the one value services pass to the audit log instead of the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

    from outreach.models import User

# The lengths of the AuditEvent columns the fields end up in.
USER_AGENT_MAX = 300
PATH_MAX = 300
TOKEN_NAME_MAX = 60
SYSTEM_PREFIX = "system:"


# Query parameters whose values the audit log keeps: they say which view of a page was read.
# Any other value (a search for a name, a filter by code) is replaced by "…": the audit log is
# append-only, so what it holds must never need erasing with a client's record.
KEPT_QUERY = frozenset(
    {"period", "tab", "scope", "flag", "sort", "lang", "page", "timeline", "status", "kind", "mine"}
)


def audited_path(request: HttpRequest | Request) -> str:
    """The request's path and query, with the values of free-text parameters masked."""
    query = getattr(request, "GET", None) or {}
    if not query:
        return request.path
    parts = [
        f"{key}={value if key in KEPT_QUERY else '…'}"
        for key in query
        for value in query.getlist(key)
    ]
    return f"{request.path}?{'&'.join(parts)}"


@dataclass(frozen=True, slots=True)
class Origin:
    """Who made a call and from where: a web page or API call, or a task or command."""

    actor: User | None
    ip: str | None
    user_agent: str
    path: str
    token_name: str = ""
    # When the worker recorded a write that the phone's outbox sent later (static/outreach/
    # outbox.js sends it as `X-Recorded-At`); the audit event's own time is when it arrived.
    recorded_at: datetime | None = None

    @classmethod
    def from_request(cls, request: HttpRequest | Request) -> Origin:
        """Describe a page or API request (a DRF request after its authentication ran)."""
        user = getattr(request, "user", None)
        return cls(
            actor=user if user is not None and user.is_authenticated else None,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            path=audited_path(request)[:PATH_MAX],
            token_name=_token_name(getattr(request, "auth", None)),
            recorded_at=recorded_at(request),
        )

    @classmethod
    def system(cls, name: str, *, actor: User | None = None) -> Origin:
        """Describe a Celery task or management command, e.g. ``Origin.system("import_caseload")``."""
        return cls(actor=actor, ip=None, user_agent="", path=f"{SYSTEM_PREFIX}{name}"[:PATH_MAX])

    @property
    def is_system(self) -> bool:
        """Whether the call came from a task or command rather than a request."""
        return self.path.startswith(SYSTEM_PREFIX)


def client_ip(request: HttpRequest | Request) -> str | None:
    """The caller's address: the hop our own proxies saw, never one the client wrote itself.

    The audit log and the sign-in lockout (AXES_CLIENT_IP_CALLABLE) both key on it.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
    ]
    # Each trusted proxy appends the address it received the call from; anything to the left
    # of those hops was written by the client and may be forged.
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def recorded_at(request: HttpRequest | Request) -> datetime | None:
    """The time the worker recorded a queued write (`X-Recorded-At`, ISO 8601 with an offset).

    A missing, malformed or naive value is left out: the audit event still has its arrival time.
    """
    raw = request.META.get("HTTP_X_RECORDED_AT", "")[:40]
    try:
        value = parse_datetime(raw) if raw else None
    except ValueError:
        return None
    if value is None or timezone.is_naive(value):
        return None
    return value


def _token_name(auth: Any) -> str:
    """Name the API token a request was authenticated with ("" for a session)."""
    if auth is None:
        return ""
    name = str(getattr(auth, "name", "") or "")
    # Names are the owner's words and need not be unique; the key's public prefix (never the
    # secret part) tells two tokens of one name apart.
    prefix = str(getattr(auth, "prefix", "") or "")
    label = f"{name} ({prefix})" if name and prefix else name or prefix
    return label[:TOKEN_NAME_MAX]
