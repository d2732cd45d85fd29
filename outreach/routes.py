"""Routes of the core record (namespace `outreach`)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from outreach import account_views, dataprotection_views, offline_views, views
from outreach.accounts import views as accounts_views
from outreach.agencies import urls as agency_routes
from outreach.caserecord import urls as event_routes
from outreach.emergency import views as emergency_views
from outreach.safeguarding import urls as safeguarding_routes
from outreach.social import urls as social_routes
from outreach.social import views as social_views
from outreach.visits import urls as visit_routes

app_name = "outreach"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", offline_views.SignOutView.as_view(), name="logout"),
    path("account/language/", account_views.set_language, name="set-language"),
    path("account/2fa/verify/", account_views.verify, name="2fa-verify"),
    path("account/2fa/setup/", account_views.setup, name="2fa-setup"),
    path("account/2fa/recovery-codes/", account_views.recovery_codes, name="2fa-recovery-codes"),
    path("account/tokens/", accounts_views.api_token_list, name="apitoken-list"),
    path(
        "account/tokens/<int:pk>/revoke/", accounts_views.api_token_revoke, name="apitoken-revoke"
    ),
    path("emergency/", emergency_views.emergency_access_start, name="emergency-access"),
    path("emergency/reviews/", emergency_views.emergency_review_list, name="emergency-reviews"),
    path("emergency/reviews/<int:pk>/", emergency_views.emergency_review, name="emergency-review"),
    path("access-report/", emergency_views.access_report, name="access-report"),
    # Work without signal (issue 17): served from the root so the worker controls every page.
    path("sw.js", offline_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("offline/", offline_views.offline_page, name="offline"),
    path("offline/contact/", offline_views.offline_contact_form, name="offline-contact"),
    path("offline/missed/", offline_views.offline_missed_form, name="offline-missed"),
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_caseload, name="team-caseload"),
    path("visits/", include(visit_routes)),
    path("team/costs/", social_views.team_costs, name="team-costs"),
    path("agencies/", include(agency_routes)),
    path("clients/search/", views.client_search, name="client-search"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path("clients/<int:pk>/edit/", views.client_update, name="client-update"),
    path("clients/<int:pk>/audit/", views.client_audit, name="client-audit"),
    path("clients/<int:pk>/erase/", dataprotection_views.client_erase, name="client-erase"),
    path("clients/<int:pk>/copy/", dataprotection_views.client_copy, name="client-copy"),
    path(
        "clients/<int:pk>/copy/<int:export_pk>/",
        dataprotection_views.client_copy_status,
        name="client-copy-status",
    ),
    path(
        "clients/<int:pk>/copy/<int:export_pk>/download/",
        dataprotection_views.client_copy_download,
        name="client-copy-download",
    ),
    path("clients/<int:client_pk>/contacts/new/", views.contact_create, name="contact-create"),
    path(
        "clients/<int:client_pk>/contacts/<int:pk>/edit/",
        views.contact_update,
        name="contact-update",
    ),
    path(
        "clients/<int:client_pk>/support/new/",
        views.support_person_edit,
        name="supportperson-create",
    ),
    path(
        "clients/<int:client_pk>/support/<int:pk>/edit/",
        views.support_person_edit,
        name="supportperson-update",
    ),
    path("clients/<int:client_pk>/consents/new/", views.consent_create, name="consent-create"),
    path(
        "clients/<int:client_pk>/consents/<int:pk>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("clients/<int:client_pk>/", include(event_routes)),
    path("clients/<int:client_pk>/", include(social_routes)),
    path("clients/<int:client_pk>/", include(safeguarding_routes.client_urlpatterns)),
    path("teams/<int:team_pk>/", include(safeguarding_routes.team_urlpatterns)),
]
