"""A carer's burden measured with an instrument for carers that an administrator adds as data.

No carer-burden or recovery instrument ships (their exact item texts and licences could not be
verified): the README tells an administrator how to add one, and this is that path.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careplans.assessments import services
from careplans.models import CarerAssessment, Instrument
from outreach.models import AuditEvent
from tests import db_state
from tests.outreach.social.factories import CarerFactory

# Placeholder texts made for the test: not the items of any published instrument.
ITEMS = [
    {
        "code": f"b{n}",
        "type": "scale",
        "min": 0,
        "max": 4,
        "text": {"en": f"Test statement {n}"},
        "labels": {"0": {"en": "Never"}, "4": {"en": "Nearly always"}},
    }
    for n in range(1, 4)
]
SCORING = {"rule": "sum", "items": ["b1", "b2", "b3"]}


def _admin_adds(client, admin_user, **extra):
    client.force_login(admin_user)
    data = {
        "code": "carer_test",
        "version": "1",
        "name": "Carer test measure",
        "name_bg": "",
        "rated_by": "client",
        "applies_to": "carer",
        "active": "on",
        "licence_note": "Placeholder for tests; licence: none needed.",
        "items": json.dumps(ITEMS),
        "scoring": json.dumps(SCORING),
        "_save": "Save",
    }
    data.update(extra)
    return client.post("/admin/careplans/instrument/add/", data)


def _url(carer, code=""):
    url = reverse("careplans:carerassessment-create", args=[carer.client_id, carer.pk])
    return f"{url}?instrument={code}" if code else url


def _answers(on, **answers):
    return {"assessed_on": on.isoformat(), **{f"item_{k}": str(v) for k, v in answers.items()}}


@pytest.fixture
def carer(team_client):
    return CarerFactory(client=team_client)


def test_no_carer_instrument_ships(db):
    assert not Instrument.objects.filter(applies_to=Instrument.AppliesTo.CARER).exists()


def test_admin_adds_a_carer_instrument_then_it_is_offered_for_a_carer(
    client, admin_user, worker, carer
):
    response = _admin_adds(client, admin_user)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(worker)
    choose = client.get(_url(carer)).content.decode()
    assert "Carer test measure" in choose
    # Not offered as a client's assessment.
    listing = client.get(
        reverse("careplans:assessment-create", args=[carer.client_id])
    ).content.decode()
    assert "Carer test measure" not in listing
    page = client.get(_url(carer, "carer_test")).content.decode()
    assert page.count('type="radio"') == 3 * 5
    today = timezone.localdate()
    response = client.post(_url(carer, "carer_test"), _answers(today, b1=4, b2=2, b3=0))
    assert response.status_code == 302
    assessment = CarerAssessment.objects.get()
    assert assessment.score == Decimal("6.0000") and assessment.carer == carer
    assert AuditEvent.objects.filter(action="carerassessment.create", client=carer.client).exists()
    body = client.get(carer.client.get_absolute_url()).content.decode()
    assert "burden measured" in body


def test_a_carer_instrument_cannot_be_on_the_review_clock(client, admin_user):
    response = _admin_adds(client, admin_user, scheduled="on")
    assert response.status_code == 200
    assert not Instrument.objects.filter(code="carer_test").exists()


def test_a_clients_instrument_is_refused_for_a_carer(worker, carer, origin):
    mansa = Instrument.objects.filter(code="mansa").first()
    assert mansa is not None
    with db_state.unchanged(), pytest.raises(ValidationError) as exc:
        services.carer_assessment_record(
            carer=carer,
            instrument=mansa,
            author=worker,
            assessed_on=timezone.localdate(),
            answers={},
            origin=origin,
        )
    assert exc.value.error_dict["instrument"][0].code == "not_a_carer_instrument"


def test_answers_outside_the_scale_are_refused(client, admin_user, worker, carer):
    _admin_adds(client, admin_user)
    client.force_login(worker)
    response = client.post(
        _url(carer, "carer_test"), _answers(timezone.localdate(), b1=9, b2=2, b3=0)
    )
    assert response.status_code == 400
    assert not CarerAssessment.objects.exists()


def test_one_per_day_per_instrument(client, admin_user, worker, carer, origin):
    _admin_adds(client, admin_user)
    instrument = Instrument.objects.get(code="carer_test")
    kwargs = dict(
        carer=carer,
        instrument=instrument,
        author=worker,
        assessed_on=timezone.localdate(),
        answers={"b1": 1, "b2": 1, "b3": 1},
        origin=origin,
    )
    services.carer_assessment_record(**kwargs)
    with pytest.raises(ValidationError):
        services.carer_assessment_record(**kwargs)
    assert CarerAssessment.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "partner"])
def test_other_team_and_partner_get_404(client, admin_user, users_by_role, carer, who):
    _admin_adds(client, admin_user)
    client.force_login(users_by_role[who])
    with db_state.unchanged():
        assert client.get(_url(carer, "carer_test")).status_code == 404
        data = _answers(timezone.localdate(), b1=1, b2=1, b3=1)
        assert client.post(_url(carer, "carer_test"), data).status_code == 404
