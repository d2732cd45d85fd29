from __future__ import annotations

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("new/", views.referral_create, name="referral-create"),
    path("waiting/", views.waiting_list, name="referral-waiting-list"),
    path("fairness/", views.fairness, name="referral-fairness"),
    path("checks/", views.duplicatecheck_list, name="duplicatecheck-list"),
    path("checks/<int:pk>/", views.duplicatecheck_resolve, name="duplicatecheck-resolve"),
    path("<int:pk>/", views.referral_detail, name="referral-detail"),
    path("<int:pk>/screen/", views.referral_screen, name="referral-screen"),
    path("<int:pk>/rescore/", views.referral_rescore, name="referral-rescore"),
    path("<int:pk>/decide/", views.referral_decide, name="referral-decide"),
]
