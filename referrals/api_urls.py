from __future__ import annotations

from rest_framework.routers import SimpleRouter

from referrals import api

router = SimpleRouter()
router.register("referrals", api.ReferralViewSet, basename="referral")

urlpatterns = router.urls
