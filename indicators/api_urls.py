from __future__ import annotations

from rest_framework.routers import SimpleRouter

from indicators import api

router = SimpleRouter()
router.register("reports", api.PublishedReportViewSet, basename="report")
router.register("snapshots", api.SnapshotViewSet, basename="snapshot")

urlpatterns = router.urls
