"""Choice sets named for the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).

Several models have a `kind` or share an answer scale; without a name of its own each choice
set would get a hashed name (a warning of `spectacular --fail-on-warn`).
"""

from __future__ import annotations

from outreach.models import AdverseEvent, CoerciveMeasure, ExitSurvey, Milestone

CoerciveMeasureKind = CoerciveMeasure.Kind
AdverseEventKind = AdverseEvent.Kind
MilestoneKind = Milestone.Kind
ExitSurveyAnswer = ExitSurvey.Answer

# Risk, rights, complaints and training (outreach/safeguarding); living situation and carers
# (outreach/social); planned visits.
from outreach.models import (  # noqa: E402
    Carer,
    Complaint,
    Contact,
    GuardianshipStatus,
    LivingDomain,
    RiskDomainKind,
    SupervisionSession,
    TrainingKind,
)

CarerKind = Carer.Kind
ContactOutcome = Contact.Outcome
ComplaintOutcome = Complaint.Outcome
ComplaintAbout = Complaint.About
GuardianshipKind = GuardianshipStatus.Status
SupervisionKind = SupervisionSession.Kind
__all__ = [
    "CoerciveMeasureKind",
    "AdverseEventKind",
    "MilestoneKind",
    "ExitSurveyAnswer",
    "CarerKind",
    "ContactOutcome",
    "ComplaintOutcome",
    "ComplaintAbout",
    "GuardianshipKind",
    "SupervisionKind",
    "LivingDomain",
    "RiskDomainKind",
    "TrainingKind",
]
