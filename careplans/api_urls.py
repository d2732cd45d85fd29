from __future__ import annotations

from rest_framework.routers import SimpleRouter

from careplans import api, parts_api
from careplans.assessments import api as assessment_api

router = SimpleRouter()
router.register("careplans", api.CarePlanViewSet, basename="careplan")
# The parts of a plan (careplans/parts_api.py).
router.register("goals", parts_api.GoalViewSet, basename="goal")
router.register("plan-actions", parts_api.ActionViewSet, basename="planaction")
router.register(
    "advance-statements", parts_api.AdvanceStatementViewSet, basename="advancestatement"
)
router.register("plan-signoffs", parts_api.SignoffViewSet, basename="plansignoff")
router.register("plan-responses", parts_api.ClientResponseViewSet, basename="clientresponse")
router.register("plan-reviews", parts_api.ReviewViewSet, basename="planreview")
router.register("plan-comments", parts_api.CommentViewSet, basename="plancomment")
router.register("plan-agreements", parts_api.AgreementViewSet, basename="planagreement")
router.register(
    "crisis-sheet-shares", parts_api.CrisisSheetShareViewSet, basename="crisissheetshare"
)
# Assessments (careplans/assessments/api.py).
router.register("instruments", assessment_api.InstrumentViewSet, basename="instrument")
router.register("assessments-due", assessment_api.AssessmentDueViewSet, basename="assessmentdue")
router.register("assessments", assessment_api.AssessmentViewSet, basename="assessment")
router.register(
    "carer-assessments", assessment_api.CarerAssessmentViewSet, basename="carerassessment"
)

urlpatterns = router.urls
