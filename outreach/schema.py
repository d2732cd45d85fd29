"""The OpenAPI schema tells every answer an operation can give (issue 16, item 3).

`ApiAutoSchema` is DRF's DEFAULT_SCHEMA_CLASS: on top of what drf-spectacular reads from a
view, it adds to every operation the error answers that the project's shared mechanisms give,
with their bodies, so a new endpoint is described truthfully without code of its own:

- 400 the request failed validation (field -> messages), for operations with a body or query;
- 401 no, a bad, an expired or a revoked token (with `WWW-Authenticate: Token`);
- 403 signed in but not allowed (a session without the second factor, a refused action);
- 404 not found or not yours (another team's record is a 404, never a 403), or a page past
  the end of a list ("Invalid page.");
- 409 the record changed since it was read (operations that check a `version`: they say so
  with `extend_schema(responses={409: ...})` and keep their own body);
- 415 a body that is not JSON (the API parses JSON only);
- 422 the Idempotency-Key was used with another request (every POST);
- 429 too many requests for this token or user (with `Retry-After`).

Every POST also documents the optional `Idempotency-Key` header (outreach/idempotency.py).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from outreach.idempotency import HEADER as IDEMPOTENCY_HEADER
from outreach.idempotency import KEY_PATTERN


class ErrorSerializer(serializers.Serializer):
    """The body of an error that is not about a field: one message."""

    detail = serializers.CharField(help_text="What went wrong, in the user's language.")


NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "The fields that failed validation, each with its messages; `non_field_errors` for a "
        "rule about several fields; or `detail` for a body that could not be read."
    ),
    "additionalProperties": {},
}

ERRORS = {
    "400": (
        "The request failed validation; nothing was written.",
        {"duration_minutes": ["Ensure this value is less than or equal to 600."]},
    ),
    "401": (
        "No credentials, or a token that is unknown, expired or revoked.",
        {"detail": "This token is not valid, has expired or was revoked."},
    ),
    "403": (
        "Signed in, but not allowed to do this (e.g. a session without the second factor).",
        {"detail": "You do not have permission to perform this action."},
    ),
    "404": (
        "Not found, or not visible to you (another team's record), or a page past the end of the list.",
        {"detail": "No Client matches the given query."},
    ),
    "415": (
        "The body is not JSON (send Content-Type: application/json).",
        {"detail": 'Unsupported media type "text/plain" in request.'},
    ),
    "422": (
        "The Idempotency-Key was already used with another request.",
        {
            "detail": "This Idempotency-Key was already used with another request (method, path or body). Use a new key for a new request."
        },
    ),
    "429": (
        "Too many requests for this token or user; retry after the given seconds.",
        {"detail": "Request was throttled. Expected available in 12 seconds."},
    ),
}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    pattern=KEY_PATTERN.pattern,
                    description=(
                        "Send the same key again with the same body within 24 hours to get the "
                        "first answer back without writing anything (e.g. a retry after a lost "
                        "connection); the same key with another body is answered 422."
                    ),
                )
            )
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ChoiceField) and "enum" in schema:
            # A read-only choice of a model field that may be blank is answered as "" (DRF
            # drops allow_blank from read-only fields, so the enum would not allow it).
            model_field = _model_field(field) if field.read_only else None
            if model_field is not None and model_field.blank and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
            if model_field is not None and model_field.null and None not in schema["enum"]:
                schema["enum"] = [*schema["enum"], None]
                schema["nullable"] = True
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        # DRF refuses NUL characters, and trims a text before it checks that it is not blank:
        # say so, after drf-spectacular's own constraints (a pattern there would wrap a
        # blank-allowed text in a oneOf that "" matches twice).
        for field in force_instance(serializer).fields.values():
            prop = schema.get("properties", {}).get(field.field_name)
            if (
                prop is not None
                and isinstance(field, serializers.CharField)
                and prop.get("type") == "string"
                and not {"format", "pattern", "enum", "oneOf"} & set(prop)
            ):
                prop["pattern"] = NO_NUL if field.allow_blank else NOT_BLANK
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        if self.method == "PATCH" and not getattr(serializer, "partial_patch", True):
            # The view validates the whole body (e.g. `version` is required): not partial.
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)

    def _has_input(self) -> bool:
        if self.method in ("POST", "PUT", "PATCH"):
            return True
        return bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            # query parameters a view declares itself (@extend_schema(parameters=...))
            or any(where == "query" for _name, where in self._process_override_parameters())
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        wanted = ["401", "403", "404", "429"]
        if self._has_input():
            wanted.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            wanted.append("415")
        if self.method == "POST":
            wanted.append("422")
        for code in wanted:
            if code in responses:
                continue  # the view describes this answer itself (e.g. 409 with both versions)
            description, example = ERRORS[code]
            body = VALIDATION_ERROR_SCHEMA if code == "400" else ErrorSerializer
            response = self._get_response_for_code(body, code)
            response["description"] = description
            for media in response.get("content", {}).values():
                media["examples"] = {"error": {"value": example}}
            responses[code] = response
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "401":
            headers.setdefault(
                "WWW-Authenticate",
                {"schema": {"type": "string"}, "description": "`Token`: how to authenticate."},
            )
        if status_code == "429":
            headers.setdefault(
                "Retry-After",
                {"schema": {"type": "string"}, "description": "Seconds until a retry may pass."},
            )
        return headers


def _model_field(field):
    """The model field behind a ModelSerializer field with a plain source, else None."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", "")
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except Exception:  # noqa: BLE001 - a property or a method, not a field
        return None
