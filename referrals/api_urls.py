from __future__ import annotations

from rest_framework.routers import SimpleRouter

from referrals import api, triage_api

router = SimpleRouter()
router.register("referrals", api.ReferralViewSet, basename="referral")
# Screening and decisions: only detail actions, under the same prefix (referrals/triage_api.py).
router.register("referrals", triage_api.ReferralTriageViewSet, basename="referraltriage")

urlpatterns = router.urls
