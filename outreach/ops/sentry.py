"""Optional error reporting through Sentry's SDK, only when SENTRY_DSN is set.

No personal data leaves: `send_default_pii=False` (no user, cookies, IP), no local variables
in stack frames, and every event passes `scrub` before it is sent: the request keeps only its
method and URL path (no query string, body, cookies or headers), the user only an id, an
exception its type and stack without values, a breadcrumb its message without data or SQL.
"""

from __future__ import annotations

from typing import Any

KEPT_REQUEST_KEYS = {"method", "url"}


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        kept = {k: v for k, v in request.items() if k in KEPT_REQUEST_KEYS}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0]
        event["request"] = kept
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)
    for key in ("breadcrumbs",):
        crumbs = event.get(key)
        if isinstance(crumbs, dict):
            for crumb in crumbs.get("values", []):
                crumb.pop("data", None)
                if crumb.get("category") == "query":
                    crumb.pop("message", None)  # SQL with its values
    for exception in (event.get("exception") or {}).get("values", []):
        # A message may quote a value (a unique code in an IntegrityError): the type stays.
        if exception.get("value"):
            exception["value"] = "[scrubbed]"
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def init(dsn: str, *, environment: str = "", traces_sample_rate: float = 0.0, **options) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=traces_sample_rate,
        **options,
    )
