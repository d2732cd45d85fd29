"""Every update stores the old and new values of the fields it changed; free text only as a
sha256 and a length (issue 15, item 6d)."""

from __future__ import annotations

import hashlib
import json

from outreach import audit, services
from outreach.models import AuditEvent, SupportPerson
from tests.factories import ContactFactory, SupportPersonFactory, make_origin

SECRET_NOTE = "She told us about the night at the station, in detail."


def _digest(text: str) -> dict:
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def test_changes_of_hashes_free_text_and_keeps_codes_and_ids(team_client, tandem, worker):
    contact = ContactFactory(client=team_client, author=worker, duration_minutes=20, note="old")
    before = audit.stored_values(contact)
    contact.note = SECRET_NOTE
    contact.duration_minutes = 45
    contact.mode = "phone"
    changes = audit.changes_of(contact, before)
    assert changes["note"] == {"old": _digest("old"), "new": _digest(SECRET_NOTE)}
    assert changes["duration_minutes"] == {"old": 20, "new": 45}
    assert changes["mode"] == {"old": "face_to_face", "new": "phone"}
    assert set(changes) == {"note", "duration_minutes", "mode"}


def test_a_new_row_has_no_stored_values(team_client):
    assert audit.stored_values(SupportPerson(client=team_client, name="X")) == {}


def test_contact_update_stores_old_and_new_values_without_the_note(worker, team_client):
    contact = ContactFactory(client=team_client, author=worker, note="Met at the market.")
    services.contact_update(
        contact=contact, actor=worker, origin=make_origin(), note=SECRET_NOTE, duration_minutes=90
    )
    event = AuditEvent.objects.get(action="contact.update")
    assert event.detail["changes"]["note"]["new"] == _digest(SECRET_NOTE)
    assert event.detail["changes"]["note"]["old"] == _digest("Met at the market.")
    assert event.detail["changes"]["duration_minutes"]["new"] == 90
    assert "station" not in json.dumps(event.detail)
    assert "market" not in json.dumps(event.detail)


def test_client_update_stores_old_and_new_values(worker, team_client):
    services.client_update(
        client=team_client,
        actor=worker,
        origin=make_origin(),
        phone="0888 123 456",
        whereabouts="Under the bridge by the river",
    )
    changes = AuditEvent.objects.get(action="client.update").detail["changes"]
    assert changes["phone"] == {"old": "", "new": "0888 123 456"}
    assert changes["whereabouts"]["new"] == _digest("Under the bridge by the river")
    assert "bridge" not in json.dumps(changes)


def test_a_support_person_change_through_the_page_stores_old_and_new(client, worker, team_client):
    person = SupportPersonFactory(client=team_client, name="Ana", phone="111")
    client.force_login(worker)
    response = client.post(
        f"/clients/{team_client.pk}/support/{person.pk}/edit/",
        {
            "name": "Ana",
            "relation": person.relation,
            "phone": "222",
            "involvement": "involve",
            "note": SECRET_NOTE,
        },
    )
    assert response.status_code == 302
    changes = AuditEvent.objects.get(action="supportperson.update").detail["changes"]
    assert changes["phone"] == {"old": "111", "new": "222"}
    assert changes["note"] == {"old": _digest(""), "new": _digest(SECRET_NOTE)}
    assert set(changes) == {"phone", "note"}
