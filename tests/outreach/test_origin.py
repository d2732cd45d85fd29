"""Where a call came from: Origin built from a request, and what the audit log keeps of it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from outreach import audit
from outreach.models import AuditEvent
from outreach.origin import Origin
from tests.factories import UserFactory, make_origin

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def _request(path="/clients/1/?tab=contacts", user=None, **meta):
    request = RequestFactory().get(path, **meta)
    request.user = user if user is not None else AnonymousUser()
    return request


def test_without_a_trusted_proxy_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = _request(REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert Origin.from_request(request).ip == "10.0.0.7"


def test_behind_one_proxy_the_hop_it_added_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; our proxy appended the address it really saw.
    spoofed = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert Origin.from_request(spoofed).ip == "203.0.113.5"
    honest = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Origin.from_request(honest).ip == "203.0.113.9"
    # Without the header (a call that bypassed the proxy) the socket's address is used.
    assert Origin.from_request(_request(REMOTE_ADDR="10.0.0.1")).ip == "10.0.0.1"


def test_fewer_hops_than_trusted_proxies_fall_back_to_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert Origin.from_request(request).ip == "10.0.0.1"


def test_user_agent_and_path_are_kept_and_cut_to_the_column_length(db):
    user = UserFactory()
    request = _request(
        "/clients/1/?q=" + "x" * 400, user=user, HTTP_USER_AGENT="A" * 500, REMOTE_ADDR="10.0.0.2"
    )
    origin = Origin.from_request(request)
    assert origin.user_agent == "A" * 300
    assert origin.path == "/clients/1/?q=…"  # a search term is never kept
    assert origin.actor == user and origin.token_name == ""
    assert not origin.is_system
    short = Origin.from_request(_request(HTTP_USER_AGENT=BROWSER))
    assert short.user_agent == BROWSER and short.path == "/clients/1/?tab=contacts"


def test_the_audit_keeps_which_view_was_read_but_no_searched_name():
    request = _request("/clients/search/?q=Иванова&period=2026-08&sort=name&code=C-1234")
    assert (
        Origin.from_request(request).path == "/clients/search/?q=…&period=2026-08&sort=name&code=…"
    )
    long = Origin.from_request(_request("/indicators/figures/1/?period=" + "9" * 400))
    assert len(long.path) == 300


def test_an_anonymous_request_has_no_actor():
    assert Origin.from_request(_request()).actor is None


def test_system_origin_names_the_task_or_command_and_has_no_address():
    origin = Origin.system("import_caseload")
    assert origin == Origin(actor=None, ip=None, user_agent="", path="system:import_caseload")
    assert origin.is_system


def test_origin_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Origin.system("x").ip = "1.2.3.4"  # type: ignore[misc]


def test_audit_record_takes_where_and_who_from_the_origin(worker, team_client):
    origin = Origin(
        actor=worker, ip="198.51.100.4", user_agent=BROWSER, path="/somewhere/", token_name="t"
    )
    event = audit.record(action="client.view", target=team_client, origin=origin)
    event.refresh_from_db()
    assert (event.actor, event.actor_username, event.actor_role) == (
        worker,
        worker.username,
        worker.role,
    )
    assert (event.ip_address, event.user_agent, event.path, event.token_name) == (
        "198.51.100.4",
        BROWSER,
        "/somewhere/",
        "t",
    )
    audit.record_many(action="client.list", client_ids=[team_client.pk], origin=origin)
    listed = AuditEvent.objects.get(action="client.list")
    assert (listed.actor, listed.ip_address, listed.path) == (worker, "198.51.100.4", "/somewhere/")


def test_a_contact_logged_on_the_page_is_audited_with_address_browser_and_path(
    client, worker, team_client
):
    client.force_login(worker)
    url = f"/clients/{team_client.pk}/contacts/new/"
    when = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        url,
        {
            "started_at": when.strftime("%Y-%m-%dT%H:%M"),
            "mode": "phone",
            "outcome": "met",
            "duration_minutes": "15",
            "staff": [worker.pk],
        },
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="contact.create")
    assert (event.actor, event.client) == (worker, team_client)
    assert (event.ip_address, event.user_agent, event.path, event.token_name) == (
        "198.51.100.7",
        BROWSER,
        url,
        "",
    )


def test_an_api_call_with_a_token_records_the_tokens_name_not_its_key(client, worker, team_client):
    from outreach.accounts.services import api_token_create

    made = api_token_create(owner=worker, name="sync script", origin=make_origin())
    response = client.get(
        f"/api/v1/clients/{team_client.pk}/",
        HTTP_AUTHORIZATION=f"Token {made.key}",
        HTTP_USER_AGENT="outreach-sync/2",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="client.view")
    assert event.actor == worker and event.path == f"/api/v1/clients/{team_client.pk}/"
    assert event.user_agent == "outreach-sync/2"
    # The owner's name for the token and its public prefix; never the secret part of the key.
    assert event.token_name == f"sync script ({made.token.prefix})"
    assert made.key.partition(".")[2] not in event.token_name
    # Another token of the same name is told apart by its prefix.
    other = api_token_create(owner=worker, name="sync script", origin=make_origin())
    client.get(f"/api/v1/clients/{team_client.pk}/", HTTP_AUTHORIZATION=f"Token {other.key}")
    names = set(
        AuditEvent.objects.filter(action="client.view").values_list("token_name", flat=True)
    )
    assert names == {event.token_name, f"sync script ({other.token.prefix})"}


def test_an_api_call_in_a_session_records_no_token(client, worker, team_client):
    client.force_login(worker)
    assert client.get(f"/api/v1/clients/{team_client.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="client.view")
    assert event.token_name == "" and event.actor == worker
