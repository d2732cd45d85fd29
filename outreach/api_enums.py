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
