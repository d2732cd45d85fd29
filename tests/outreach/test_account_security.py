"""The admin role reaches no clinical data (issue 15, item 8): tokens, second-factor secrets, roles."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.accounts import services
from outreach.models import ApiToken, AuditEvent, Role, User
from tests.factories import UserFactory, make_origin

PASSWORD = "correct-horse-battery"


@pytest.fixture
def require_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def second_admin(db):
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)


def _totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _sign_in_with_second_factor(client, user: User) -> None:
    device = _totp(user)
    client.post(reverse("outreach:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("outreach:2fa-verify"), {"token": _code(device)})
    assert response.status_code == 302


def _tables_holding(text: str) -> list[str]:
    """Every table with a row in which `text` appears in any column."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


def _api(client, key: str):
    return client.get("/api/v1/clients/", HTTP_AUTHORIZATION=f"Token {key}")


# --- API tokens ------------------------------------------------------------------------------


def test_the_admin_cannot_make_a_token_for_anyone(client, admin_user, worker):
    client.force_login(admin_user)
    assert client.get("/admin/outreach/apitoken/add/").status_code == 403
    response = client.post("/admin/outreach/apitoken/add/", {"user": worker.pk, "name": "x"})
    assert response.status_code == 403
    # DRF's own token model is gone from the admin and the database.
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not ApiToken.objects.exists()


def test_owner_makes_a_token_after_the_second_factor_and_sees_the_key_once(
    client, worker, team_client, require_2fa
):
    client.post(reverse("outreach:login"), {"username": worker.username, "password": PASSWORD})
    response = client.post(reverse("outreach:apitoken-list"), {"name": "export", "days": 30})
    assert response.status_code == 302 and "/account/2fa/" in response["Location"]
    assert not ApiToken.objects.exists()

    client.logout()
    _sign_in_with_second_factor(client, worker)
    response = client.post(reverse("outreach:apitoken-list"), {"name": "export", "days": 30})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["new"].key
    assert key in response.content.decode()

    token = ApiToken.objects.get()
    assert token.user == worker and token.name == "export"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    secret = key.split(".", 1)[1]
    assert _tables_holding(secret) == []
    assert AuditEvent.objects.filter(actor=worker, action="api_token.create").exists()

    page = client.get(reverse("outreach:apitoken-list")).content.decode()
    assert token.prefix in page and "export" in page and secret not in page

    api = client.__class__()
    response = _api(api, key)
    assert response.status_code == 200 and response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_service_refuses_a_token_without_the_second_factor(worker, require_2fa):
    with pytest.raises(PermissionDenied):
        services.api_token_create(owner=worker, origin=make_origin(), name="script")
    assert not ApiToken.objects.exists()


def test_the_service_limits_how_long_a_token_lives(worker, settings):
    settings.API_TOKEN_DAYS = 10
    with pytest.raises(ValidationError) as err:
        services.api_token_create(owner=worker, origin=make_origin(), name="script", days=11)
    assert err.value.error_dict["days"][0].code == "token_days"
    made = services.api_token_create(owner=worker, origin=make_origin(), name="script")
    assert made.token.expires_at - made.token.created_at == timedelta(days=10)


def test_a_too_long_validity_is_refused_on_the_page(client, worker, settings):
    settings.API_TOKEN_DAYS = 10
    client.force_login(worker)
    response = client.post(reverse("outreach:apitoken-list"), {"name": "x", "days": 11})
    assert response.status_code == 400
    assert "1 to 10 days" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_expired_revoked_and_unknown_keys_get_401(client, worker, team_client):
    made = services.api_token_create(owner=worker, origin=make_origin(), name="script")
    assert _api(client, made.key).status_code == 200

    for key in (made.key, made.key[:-1] + ("A" if made.key[-1] != "A" else "B"), "nonsense"):
        if key == made.key:
            ApiToken.objects.filter(pk=made.token.pk).update(
                created_at=timezone.now() - timedelta(days=91),
                expires_at=timezone.now() - timedelta(seconds=1),
            )
        response = _api(client, key)
        assert response.status_code == 401, key
        assert response["WWW-Authenticate"] == "Token"
        assert "Ivanova" not in response.content.decode()
    assert services.api_token_check(key=made.key) is None

    fresh = services.api_token_create(owner=worker, origin=make_origin(), name="second")
    client.force_login(worker)
    response = client.post(reverse("outreach:apitoken-revoke", args=[fresh.token.pk]))
    assert response.status_code == 302
    page = client.get(reverse("outreach:apitoken-list")).content.decode()
    assert "Revoked" in page and "Expired" in page
    client.logout()
    response = _api(client, fresh.key)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=worker).count() == 1


def test_a_token_of_a_deactivated_user_stops_working(client, worker, team_client):
    made = services.api_token_create(owner=worker, origin=make_origin(), name="script")
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert _api(client, made.key).status_code == 401


def test_nobody_else_revokes_or_sees_a_token(client, worker, outsider):
    made = services.api_token_create(owner=worker, origin=make_origin(), name="worker's script")
    client.force_login(outsider)
    assert client.post(reverse("outreach:apitoken-revoke", args=[made.token.pk])).status_code == 404
    assert "worker's script" not in client.get(reverse("outreach:apitoken-list")).content.decode()
    made.token.refresh_from_db()
    assert made.token.revoked_at is None


def test_the_admin_sees_tokens_without_keys_and_may_revoke(client, admin_user, worker):
    made = services.api_token_create(owner=worker, origin=make_origin(), name="script")
    client.force_login(admin_user)
    page = client.get("/admin/outreach/apitoken/").content.decode()
    assert made.token.prefix in page and made.token.key_hash not in page
    page = client.get(f"/admin/outreach/apitoken/{made.token.pk}/change/").content.decode()
    assert made.token.key_hash not in page and made.key not in page
    response = client.post(
        "/admin/outreach/apitoken/", {"action": "revoke", "_selected_action": [made.token.pk]}
    )
    assert response.status_code == 302
    made.token.refresh_from_db()
    assert made.token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=admin_user).exists()
    assert _tables_holding(made.key.split(".", 1)[1]) == []


# --- second-factor secrets ------------------------------------------------------------------


def test_the_admin_sees_no_second_factor_secret(client, admin_user, worker):
    device = _totp(worker)
    static = StaticDevice.objects.create(user=worker, name="recovery")
    code = StaticToken.random_token()
    StaticToken.objects.create(device=static, token=code)
    client.force_login(admin_user)

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert device.key not in body and secret_b32 not in body and "otpauth://" not in body
    for view in ("config", "qrcode"):
        # django-otp's pages of the key and QR code are gone (the admin's catch-all redirects).
        response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/", follow=True)
        body = response.content.decode()
        assert response.status_code in (200, 404)
        assert response["Content-Type"].startswith("text/html")  # not the QR image
        assert device.key not in body and secret_b32 not in body and "otpauth://" not in body
    # Nobody may choose a user's secret either.
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403

    page = client.get(f"/admin/otp_static/staticdevice/{static.pk}/change/")
    assert page.status_code == 200 and code not in page.content.decode()
    assert code not in client.get("/admin/otp_static/staticdevice/").content.decode()


def test_resetting_a_lost_phone_is_audited(client, admin_user, worker):
    device = _totp(worker)
    client.force_login(admin_user)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="auth.2fa_reset")
    assert event.actor == admin_user and event.detail["user"] == worker.username


# --- roles and teams ------------------------------------------------------------------------


def _change_form_data(client, user: User) -> dict:
    """The admin change form of `user` as the browser would post it unchanged."""
    form = (
        client.get(reverse("admin:outreach_user_change", args=[user.pk])).context["adminform"].form
    )
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if name in ("last_login", "date_joined"):
            local = timezone.localtime(value) if value else None
            data[f"{name}_0"] = local.strftime("%Y-%m-%d") if local else ""
            data[f"{name}_1"] = local.strftime("%H:%M:%S") if local else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = "" if value is None else value
    return data


def test_an_admin_cannot_give_themselves_a_team_and_a_clinical_role(client, admin_user, team):
    client.force_login(admin_user)
    page = client.get(reverse("admin:outreach_user_change", args=[admin_user.pk]))
    assert "cannot change your own role" in page.content.decode()
    data = _change_form_data(client, admin_user)
    data.update(role=Role.SUPERVISOR, teams=[team.pk])
    response = client.post(reverse("admin:outreach_user_change", args=[admin_user.pk]), data)
    assert response.status_code == 200
    assert "cannot change your own role" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and not admin_user.teams.exists()
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()

    # Nor drop their own superuser flag, nor change other fields by the same post.
    data = _change_form_data(client, admin_user)
    data.pop("is_superuser")
    data["phone"] = "0888"
    client.post(reverse("admin:outreach_user_change", args=[admin_user.pk]), data)
    admin_user.refresh_from_db()
    assert admin_user.is_superuser and admin_user.phone == ""


def test_an_admin_may_edit_the_rest_of_their_own_account(client, admin_user):
    client.force_login(admin_user)
    data = _change_form_data(client, admin_user)
    data["phone"] = "0888 123 456"
    response = client.post(reverse("admin:outreach_user_change", args=[admin_user.pk]), data)
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.phone == "0888 123 456" and admin_user.role == Role.ADMIN


def test_the_service_refuses_ones_own_access_change(admin_user, team):
    with pytest.raises(ValidationError) as err:
        services.user_access_change(
            origin=make_origin(),
            actor=admin_user,
            user=admin_user,
            role=Role.SUPERVISOR,
            teams=[team],
            is_staff=True,
            is_superuser=True,
        )
    assert err.value.code == "own_access_change"
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and not admin_user.teams.exists()


def test_the_service_refuses_a_non_admin(supervisor, worker, other_team):
    with pytest.raises(ValidationError):
        services.user_access_change(
            origin=make_origin(),
            actor=supervisor,
            user=worker,
            role=Role.SUPERVISOR,
            teams=[other_team],
            is_staff=False,
            is_superuser=False,
        )
    worker.refresh_from_db()
    assert worker.role == Role.PROFESSIONAL


def test_a_second_admin_changes_it_and_the_team_supervisor_sees_it(
    client, admin_user, second_admin, team, supervisor, outside_supervisor
):
    client.force_login(second_admin)
    data = _change_form_data(client, admin_user)
    data.update(role=Role.SUPERVISOR, teams=[team.pk])
    response = client.post(reverse("admin:outreach_user_change", args=[admin_user.pk]), data)
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.role == Role.SUPERVISOR and list(admin_user.teams.all()) == [team]

    role = AuditEvent.objects.get(action="user.role_change")
    assert role.actor == second_admin and role.object_id == str(admin_user.pk)
    assert (role.detail["old"], role.detail["new"]) == (Role.ADMIN, Role.SUPERVISOR)
    teams = AuditEvent.objects.get(action="user.teams_change")
    assert (teams.detail["old"], teams.detail["new"]) == ([], [team.name])
    assert teams.detail["teams"] == [team.pk]

    client.force_login(supervisor)
    page = client.get(reverse("outreach:team-caseload")).content.decode()
    assert "Team changes" in page
    assert admin_user.username in page and second_admin.username in page
    assert "Administrator" in page and "Supervisor" in page and team.name in page

    client.force_login(outside_supervisor)
    page = client.get(reverse("outreach:team-caseload")).content.decode()
    assert admin_user.username not in page


def test_a_new_account_with_a_team_is_shown_to_the_supervisor(client, admin_user, team, supervisor):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:outreach_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
            "first_name": "New",
            "last_name": "Comer",
            "email": "",
            "role": Role.PEER,
            "teams": [team.pk],
            "organisation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert list(newcomer.teams.all()) == [team]
    event = AuditEvent.objects.get(action="user.teams_change")
    assert event.detail["new_user"] is True and event.detail["new"] == [team.name]

    client.force_login(supervisor)
    page = client.get(reverse("outreach:team-caseload")).content.decode()
    assert "newcomer" in page and "new account" in page


def test_the_admin_role_reaches_no_client(client, admin_user, team_client):
    client.force_login(admin_user)
    assert client.get(team_client.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/clients/{team_client.pk}/").status_code == 404
    assert client.get("/api/v1/clients/").json()["count"] == 0
