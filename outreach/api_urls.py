from __future__ import annotations

from rest_framework.routers import DefaultRouter

from outreach import api, network_api
from outreach.caserecord import api as event_api
from outreach.safeguarding import api as safeguarding_api
from outreach.social import api as social_api
from outreach.visits import api as visit_api

router = DefaultRouter()
router.register("clients", api.ClientViewSet, basename="client")
router.register("episodes", api.EpisodeViewSet, basename="episode")
router.register("contacts", api.ContactViewSet, basename="contact")
router.register("planned-visits", visit_api.PlannedVisitViewSet, basename="plannedvisit")
# The case record's events (outreach/caserecord/api.py).
router.register("hospital-stays", event_api.HospitalStayViewSet, basename="hospitalstay")
router.register("coercive-measures", event_api.CoerciveMeasureViewSet, basename="coercivemeasure")
router.register("crises", event_api.CrisisViewSet, basename="crisis")
router.register("relapses", event_api.RelapseViewSet, basename="relapse")
router.register("adverse-events", event_api.AdverseEventViewSet, basename="adverseevent")
router.register("milestones", event_api.MilestoneViewSet, basename="milestone")
router.register("case-agencies", event_api.CaseAgencyViewSet, basename="caseagency")
router.register("responsibilities", event_api.ResponsibilityViewSet, basename="responsibility")
router.register("agency-requests", event_api.AgencyRequestViewSet, basename="agencyrequest")
router.register("case-conferences", event_api.CaseConferenceViewSet, basename="caseconference")
router.register("follow-ups", event_api.FollowUpActionViewSet, basename="followupaction")
router.register("group-sessions", event_api.GroupSessionViewSet, basename="groupsession")
router.register("discharges", event_api.DischargeViewSet, basename="discharge")
# The support network and consents (outreach/network_api.py).
router.register("support-people", network_api.SupportPersonViewSet, basename="supportperson")
router.register("consents", network_api.ConsentViewSet, basename="consent")
# The living situation, carers and costs (outreach/social/api.py).
router.register("living-statuses", social_api.LivingStatusViewSet, basename="livingstatus")
router.register("carers", social_api.CarerViewSet, basename="carer")
router.register("carer-reviews", social_api.CarerReviewViewSet, basename="carerreview")
router.register("spending", social_api.SpendingViewSet, basename="spending")
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
