"""Administration of accounts, teams and lists; no clinical data by default."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import access, audit, erasure
from outreach.accounts import services as account_services
from outreach.dataprotection_forms import AdminErasureForm
from outreach.models import (
    Agency,
    ApiToken,
    Client,
    ClientErasure,
    Intervention,
    LegalBasis,
    Municipality,
    Tandem,
    Team,
    User,
)
from outreach.origin import Origin

# What decides what a user may see; nobody changes these on their own account.
ACCESS_FORM_FIELDS = ("role", "teams", "is_staff", "is_superuser", "groups", "user_permissions")
# Written by account_services.user_access_change, which audits them.
ACCESS_FLAGS = ("role", "is_staff", "is_superuser")
OWN_ACCESS = _(
    "You cannot change your own role, teams or administrator rights. "
    "Ask another administrator to do it; the change is recorded."
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. Role, team and rights changes go through a service: audited, never one's own."""

    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "teams")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Outreach"),
            {"fields": ("role", "teams", "municipality", "organisation", "phone", "language")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Outreach"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "teams",
                    "municipality",
                    "organisation",
                )
            },
        ),
    )
    filter_horizontal = ("teams", "groups", "user_permissions")

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class GuardedForm(base):
            def clean(self):
                cleaned = super().clean()
                touched = [f for f in ACCESS_FORM_FIELDS if f in self.changed_data]
                if self.instance.pk and touched:
                    if self.instance.pk == actor.pk:
                        raise ValidationError(OWN_ACCESS, code="own_access_change")
                    if not access.can_change_access(actor, self.instance):
                        raise ValidationError(
                            _("Only an administrator can change roles, teams and rights."),
                            code="access_change_not_allowed",
                        )
                return cleaned

        return GuardedForm

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        if request.method == "GET" and str(request.user.pk) == str(object_id):
            messages.warning(request, OWN_ACCESS)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        form.access_wanted = {
            f: form.cleaned_data[f] for f in ACCESS_FLAGS if f in form.cleaned_data
        }
        if change:
            # The form saves everything else; the service writes these in save_related.
            stored = User.objects.filter(pk=obj.pk).values(*ACCESS_FLAGS).get()
            for field, value in stored.items():
                setattr(obj, field, value)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        teams = form.cleaned_data.pop("teams", None)
        super().save_related(request, form, formsets, change)
        user = form.instance
        wanted = form.access_wanted
        account_services.user_access_change(
            actor=request.user,
            user=user,
            role=wanted.get("role", user.role),
            teams=user.teams.all() if teams is None else teams,
            is_staff=wanted.get("is_staff", user.is_staff),
            is_superuser=wanted.get("is_superuser", user.is_superuser),
            created=not change,
            origin=Origin.from_request(request),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owner only. Here they can be seen (never a key) and revoked."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    fields = list_display
    readonly_fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            account_services.api_token_revoke(
                token=token, actor=request.user, origin=Origin.from_request(request)
            )


class SecondFactorDeviceAdmin(admin.ModelAdmin):
    """Which second factors a user has. Never their secret, codes or QR; delete resets a lost phone."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An administrator who chose a user's secret could sign in as them.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj) -> None:
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for device in queryset.select_related("user"):
            audit.record(
                actor=request.user,
                action="auth.2fa_reset",
                target=device.user,
                origin=Origin.from_request(request),
                detail={"user": device.user.username, "device": type(device).__name__},
            )
        super().delete_queryset(request, queryset)


# django-otp's own admin shows the TOTP key, a QR code and the recovery codes: replace it.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, SecondFactorDeviceAdmin)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "retention_years")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "capacity")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tandem)
class TandemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "team", "started_on", "ended_on")
    list_filter = ("team",)


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_bg", "code", "active", "order")
    list_editable = ("active", "order")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Each municipality's directory of agencies; the kind counts their requests in reports."""

    list_display = ("name", "kind", "municipality", "active")
    list_filter = ("municipality", "kind", "active")
    list_editable = ("kind", "active")
    search_fields = ("name",)


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Legal bases for admissions and coercion are data per country: add a country here."""

    list_display = ("label", "label_bg", "country", "code", "legal_status", "active", "order")
    list_filter = ("country", "legal_status", "active")
    list_editable = ("active", "order")


@admin.register(ClientErasure)
class ClientErasureAdmin(admin.ModelAdmin):
    """Erasures done (read-only), and an erasure on request by the client's code."""

    list_display = ("erased_at", "legal_reason", "team", "erased_by", "client_id")
    list_filter = ("legal_reason", "team")
    fields = ("erased_at", "legal_reason", "note", "team", "erased_by", "client_id", "rows")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by erasing, below

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "erase_url": reverse("admin:outreach-erase")}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        own = [
            path(
                "erase/",
                self.admin_site.admin_view(self.erase_view),
                name="outreach-erase",
            )
        ]
        return own + super().get_urls()

    def erase_view(self, request: HttpRequest) -> HttpResponse:
        """Find a record by its pseudonymous code, say what happens, erase on confirmation."""
        if not access.can_administer(request.user):
            raise Http404
        form = AdminErasureForm(request.POST or None)
        client = None
        what: list[tuple[str, int]] = []
        if request.method == "POST":
            code = request.POST.get("code", "").strip().upper()
            client = Client.objects.select_related("team").filter(code=code).first()
            if client is None or not access.can_erase_client(request.user, client):
                form.add_error("code", _("No client record has this code."))
                client = None
            else:
                what = erasure.plan_for(client).described()
            if client is not None and form.is_valid():
                try:
                    erasure.client_erase(
                        client=client,
                        legal_reason=form.cleaned_data["legal_reason"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                        origin=Origin.from_request(request),
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The record has been anonymised."))
                    return redirect("admin:outreach_clienterasure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase a client's record"),
            "form": form,
            "found": client,
            "what": what,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/outreach/erase.html", context)
