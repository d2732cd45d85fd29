"""Admin registrations of the care-plans app."""

from __future__ import annotations

from careplans.assessments import admin as assessment_admin  # noqa: F401 - registers the instrument admin
