from __future__ import annotations

from rest_framework.routers import DefaultRouter

from outreach import api
from outreach.safeguarding import api as safeguarding_api

router = DefaultRouter()
router.register("clients", api.ClientViewSet, basename="client")
router.register("episodes", api.EpisodeViewSet, basename="episode")
router.register("contacts", api.ContactViewSet, basename="contact")
router.register(
    "risk-assessments", safeguarding_api.RiskAssessmentViewSet, basename="riskassessment"
)
router.register(
    "supported-decisions",
    safeguarding_api.SupportedDecisionViewSet,
    basename="supporteddecision",
)
router.register(
    "guardianship-statuses", safeguarding_api.GuardianshipViewSet, basename="guardianshipstatus"
)
router.register("complaints", safeguarding_api.ComplaintViewSet, basename="complaint")
router.register("trainings", safeguarding_api.TrainingViewSet, basename="training")
router.register(
    "supervision-sessions",
    safeguarding_api.SupervisionSessionViewSet,
    basename="supervisionsession",
)

urlpatterns = router.urls
