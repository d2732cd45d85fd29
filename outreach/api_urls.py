from __future__ import annotations

from rest_framework.routers import DefaultRouter

from outreach import api
from outreach.social import api as social_api

router = DefaultRouter()
router.register("clients", api.ClientViewSet, basename="client")
router.register("episodes", api.EpisodeViewSet, basename="episode")
router.register("contacts", api.ContactViewSet, basename="contact")
# The living situation, carers and costs (outreach/social/api.py).
router.register("living-statuses", social_api.LivingStatusViewSet, basename="livingstatus")
router.register("carers", social_api.CarerViewSet, basename="carer")
router.register("carer-reviews", social_api.CarerReviewViewSet, basename="carerreview")
router.register("spending", social_api.SpendingViewSet, basename="spending")

urlpatterns = router.urls
