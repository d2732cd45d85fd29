from __future__ import annotations

from rest_framework.routers import DefaultRouter

from outreach import api

router = DefaultRouter()
router.register("clients", api.ClientViewSet, basename="client")
router.register("episodes", api.EpisodeViewSet, basename="episode")
router.register("contacts", api.ContactViewSet, basename="contact")

urlpatterns = router.urls
