"""Helpers to fill an assessment form the way a browser would post it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

MANSA_SCALE = [
    "life",
    "job",
    "finances",
    "friendships",
    "leisure",
    "accommodation",
    "safety",
    "living_with",
    "sex_life",
    "family",
    "physical_health",
    "mental_health",
]
MANSA_YES_NO = ["close_friend", "seen_friend", "accused_crime", "victim_violence"]
DIALOG_LIFE = [
    "mental_health",
    "physical_health",
    "job",
    "accommodation",
    "leisure",
    "partner_family",
    "friendships",
    "safety",
]
DIALOG_TREATMENT = ["medication", "practical_help", "meetings"]


def create_url(client_pk: int, instrument: str) -> str:
    return reverse("careplans:assessment-create", args=[client_pk]) + f"?instrument={instrument}"


def form_data(
    answers: dict[str, object], *, on: date, timepoint: str = "baseline", **extra
) -> dict[str, object]:
    data: dict[str, object] = {"assessed_on": on.isoformat(), "timepoint": timepoint}
    data.update({f"item_{code}": value for code, value in answers.items()})
    data.update(extra)
    return data
