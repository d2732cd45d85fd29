"""Idempotent create forms (issue 13, item 3): the same form sent twice saves one record.

Each form is fetched as a person would (GET serves its hidden token), sent, and sent again with
the same token (Back and submit again, a reload, a retried request): one record, and the second
answer leads to it with "Already saved".
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from outreach.models import (
    Consent,
    Contact,
    HospitalStay,
    Milestone,
    Relapse,
    SubmissionToken,
    SupportPerson,
)
from outreach.submissions import FIELD
from referrals.models import Referral

TOKEN = re.compile(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"')


def _ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _contact(c):
    return {
        "started_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "face_to_face",
        "outcome": "met",
        "location": "street",
        "duration_minutes": "30",
        "staff": [c.tandem.professional_id],
    }


FORMS = {
    "contact": ("outreach:contact-create", Contact, _contact),
    "hospital stay": (
        "outreach:hospitalstay-create",
        HospitalStay,
        lambda c: {"admitted_on": _ago(5), "legal_status": "voluntary"},
    ),
    "relapse": ("outreach:relapse-create", Relapse, lambda c: {"onset_on": _ago(3)}),
    "milestone": (
        "outreach:milestone-create",
        Milestone,
        lambda c: {"kind": "id_document", "achieved_on": _ago(1)},
    ),
    "consent": (
        "outreach:consent-create",
        Consent,
        lambda c: {
            "recipient_kind": "agency",
            "recipient": "Social assistance office",
            "scope": "care_plan",
            "given_on": _ago(0),
        },
    ),
    "support person": (
        "outreach:supportperson-create",
        SupportPerson,
        lambda c: {"name": "A neighbour", "relation": "friend", "involvement": "involve"},
    ),
}


def _token(page) -> str:
    found = TOKEN.findall(page.content.decode())
    assert len(found) == 1, "the form serves one token"
    return found[0]


@pytest.mark.parametrize("name", list(FORMS))
def test_the_same_form_sent_twice_saves_one_record(client, worker, team_client, name):
    route, model, data = FORMS[name]
    client.force_login(worker)
    url = reverse(route, args=[team_client.pk])
    payload = {**data(team_client), FIELD: _token(client.get(url))}
    first = client.post(url, payload)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert model.objects.count() == 1
    second = client.post(url, payload, follow=True)
    assert model.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert any("Already saved" in str(m) for m in get_messages(second.wsgi_request)) or (
        "Already saved" in second.content.decode()
    )
    # A new visit to the form is a new form: it saves a second record.
    again = {**data(team_client), FIELD: _token(client.get(url))}
    if name == "hospital stay":
        again["admitted_on"] = _ago(40)
        again["discharged_on"] = _ago(30)
    assert client.post(url, again).status_code == 302
    assert model.objects.count() == 2


def test_an_invalid_form_keeps_its_token_and_can_be_sent_again(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:relapse-create", args=[team_client.pk])
    token = _token(client.get(url))
    invalid = client.post(url, {"onset_on": _ago(-3), FIELD: token})
    assert invalid.status_code == 400
    assert _token(invalid) == token  # shown again with the same token
    assert not SubmissionToken.objects.exists()
    assert client.post(url, {"onset_on": _ago(3), FIELD: token}).status_code == 302
    assert Relapse.objects.count() == 1


def test_tokens_are_per_user(client, worker, peer, team_client):
    url = reverse("outreach:milestone-create", args=[team_client.pk])
    client.force_login(worker)
    payload = {"kind": "id_document", "achieved_on": _ago(1), FIELD: _token(client.get(url))}
    client.post(url, payload)
    client.force_login(peer)
    assert client.post(url, payload).status_code == 302
    assert Milestone.objects.count() == 2


def test_a_form_without_a_token_is_handled_as_before(client, worker, team_client):
    client.force_login(worker)
    url = reverse("outreach:milestone-create", args=[team_client.pk])
    for _ in range(2):
        client.post(url, {"kind": "id_document", "achieved_on": _ago(1)})
    assert Milestone.objects.count() == 2


def test_a_referral_sent_twice_is_one_referral(client, partner):
    from tests.referrals.test_flow import PERSON

    client.force_login(partner)
    url = reverse("referrals:referral-create")
    payload = {**PERSON, FIELD: _token(client.get(url))}
    assert client.post(url, payload).status_code == 302
    second = client.post(url, payload, follow=True)
    assert Referral.objects.count() == 1
    assert "Already saved" in second.content.decode()


def test_a_client_record_opened_twice_is_one_record(client, worker, team):
    from outreach.models import Client

    client.force_login(worker)
    url = reverse("outreach:client-create")
    payload = {
        "given_name": "Стоян",
        "sex": "male",
        "team": team.pk,
        FIELD: _token(client.get(url)),
    }
    first = client.post(url, payload)
    assert first.status_code == 302, first.content.decode()[:3000]
    second = client.post(url, payload, follow=True)
    assert Client.objects.filter(given_name="Стоян").count() == 1
    assert "Already saved" in second.content.decode()


def test_old_tokens_are_let_go(client, worker, team_client):
    from outreach.submissions import KEPT

    client.force_login(worker)
    url = reverse("outreach:milestone-create", args=[team_client.pk])
    old = SubmissionToken.objects.create(user=worker, token=uuid.uuid4(), path=url, url=url)
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - KEPT * 2)
    payload = {"kind": "id_document", "achieved_on": _ago(1), FIELD: _token(client.get(url))}
    client.post(url, payload)
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == [
        uuid.UUID(payload[FIELD])
    ]
