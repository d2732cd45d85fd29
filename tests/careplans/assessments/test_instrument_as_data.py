"""A new instrument is added in the admin as data, validated, and used without code."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from careplans.models import Assessment, Instrument
from tests.careplans.assessments.helpers import create_url, form_data

K10_LIKE_ITEMS = [
    {
        "code": f"q{n}",
        "type": "scale",
        "min": 1,
        "max": 5,
        "text": {"en": f"Question {n} in English", "bg": f"Въпрос {n} на български"},
        "labels": {"1": {"en": "None of the time"}, "5": {"en": "All of the time"}},
    }
    for n in range(1, 5)
] + [{"code": "smoker", "type": "yes_no", "text": "Do you smoke?"}]


def _admin_post(client, items, scoring, **extra):
    data = {
        "code": "distress",
        "version": "1",
        "name": "Distress scale",
        "name_bg": "",
        "rated_by": "worker",
        "applies_to": "client",
        "active": "on",
        "licence_note": "Public domain.",
        "items": json.dumps(items),
        "scoring": json.dumps(scoring),
        "_save": "Save",
    }
    data.update(extra)
    return client.post("/admin/careplans/instrument/add/", data)


def test_admin_adds_an_instrument_that_workers_then_use(client, admin_user, worker, team_client):
    client.force_login(admin_user)
    scoring = {
        "rule": "sum",
        "items": ["q1", "q2", "q3", "q4"],
        "sub_scores": [
            {"code": "first_two", "label": "First two", "rule": "mean", "items": ["q1", "q2"]}
        ],
    }
    response = _admin_post(client, K10_LIKE_ITEMS, scoring)
    assert response.status_code == 302, response.content.decode()[:2000]
    instrument = Instrument.objects.get(code="distress")
    assert instrument.rated_by == "worker"

    client.force_login(worker)
    page = client.get(create_url(team_client.pk, "distress")).content.decode()
    assert page.count('type="radio"') == 4 * 5 + 2
    # The client prefers Bulgarian: the yes/no item has English only, so English is used.
    assert "Question 1 in English" in page
    answers = {"q1": 5, "q2": 4, "q3": 1, "q4": 2, "smoker": "no"}
    response = client.post(
        create_url(team_client.pk, "distress"),
        form_data(answers, on=timezone.localdate(), timepoint="other"),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(instrument=instrument)
    assert assessment.score == Decimal("12.0000")
    assert assessment.scores == {"first_two": "4.5000"}
    listing = client.get(f"/careplans/clients/{team_client.pk}/assessments/").content.decode()
    assert "Distress scale" in listing and "First two" in listing


@pytest.mark.parametrize(
    ("items", "scoring", "message"),
    [
        (K10_LIKE_ITEMS, {"rule": "mean", "items": ["q1", "smoker"]}, "cannot be scored"),
        (K10_LIKE_ITEMS, {"rule": "mean", "items": ["q9"]}, "unknown item q9"),
        (K10_LIKE_ITEMS, {"rule": "median", "items": ["q1"]}, "rule must be one of"),
        (
            [{"code": "a", "type": "scale", "min": 5, "max": 1, "text": "A"}],
            {"rule": "sum", "items": ["a"]},
            "min below max",
        ),
        (
            [{"code": "a", "type": "scale", "min": 1, "max": 5}],
            {"rule": "sum", "items": ["a"]},
            "needs a text",
        ),
        (
            [{"code": "a", "type": "slider", "text": "A"}],
            {"rule": "sum", "items": ["a"]},
            "unknown type",
        ),
        ([], {"rule": "sum", "items": ["a"]}, "non-empty list"),
    ],
)
def test_admin_rejects_an_invalid_definition(client, admin_user, items, scoring, message):
    client.force_login(admin_user)
    response = _admin_post(client, items, scoring)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Instrument.objects.filter(code="distress").exists()


def test_builtin_instruments_ship_as_valid_data(db):
    mansa = Instrument.objects.get(code="mansa", version="1")
    dialog = Instrument.objects.get(code="dialog", version="1")
    mansa.full_clean()
    dialog.full_clean()
    assert [i["type"] for i in mansa.items].count("scale") == 12
    assert [i["type"] for i in mansa.items].count("yes_no") == 4
    assert len(mansa.scoring["items"]) == 12
    assert mansa.rated_by == "client" and mansa.scheduled and mansa.licence_note
    assert len(dialog.items) == 11 and all(i["more_help"] for i in dialog.items)
    assert {s["code"]: len(s["items"]) for s in dialog.scoring["sub_scores"]} == {
        "quality_of_life": 8,
        "treatment_satisfaction": 3,
    }
    for instrument in (mansa, dialog):
        for item in instrument.items:
            assert item["text"]["en"] and item["text"]["bg"]
