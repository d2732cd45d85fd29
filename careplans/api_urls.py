from __future__ import annotations

from rest_framework.routers import SimpleRouter

from careplans import api

router = SimpleRouter()
router.register("careplans", api.CarePlanViewSet, basename="careplan")

urlpatterns = router.urls
