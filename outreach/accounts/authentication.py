"""DRF authentication with the app's own API tokens (hashed, expiring, revocable)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from outreach.accounts import services


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`; a bad, expired or revoked key is answered 401."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("The Authorization header needs: Token <key>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeError as exc:
            raise AuthenticationFailed(_("This token is not valid.")) from exc
        token = services.api_token_check(key=key)
        if token is None:
            # One message for unknown, expired and revoked keys: nobody learns which it was.
            raise AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe the token in the OpenAPI schema (registered by being defined)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION", token_prefix=ApiTokenAuthentication.keyword
        )
