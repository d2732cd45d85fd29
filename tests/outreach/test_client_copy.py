"""The client's copy of their record (issue 15, item 3): complete, readable, downloaded once."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from django.urls import reverse

from outreach import clientcopy, erasure
from outreach.models import AuditEvent, ClientExport
from tests.factories import ContactFactory
from tests.outreach.test_erasure import MARK, _Filler

pytestmark = pytest.mark.django_db


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _build(team_client, user, language="en") -> tuple[dict, bytes]:
    export = ClientExport.objects.create(client=team_client, requested_by=user, language=language)
    export = clientcopy.copy_build(export_id=export.pk)
    assert export.status == ClientExport.Status.READY
    files = _unzip(bytes(export.archive))
    code = export.client.code
    assert sorted(files) == [f"{code}-copy.json", f"{code}-copy.pdf"]
    return json.loads(files[f"{code}-copy.json"]), files[f"{code}-copy.pdf"]


def test_every_model_that_refers_to_a_client_has_a_section():
    # The tables of a client's data are found through relations (as the erasure finds them).
    tables = {
        m._meta.label for m in erasure.client_tables() if not m._meta.auto_created
    } - clientcopy.NOT_IN_COPY
    sections = {s.label for s in clientcopy.SECTIONS}
    assert tables - sections == set()
    assert clientcopy.missing_sections() == []
    # No section of a model that holds no client data (the audit trail is the one addition).
    assert sections - tables == {"outreach.AuditEvent"}
    assert len({s.key for s in clientcopy.SECTIONS}) == len(clientcopy.SECTIONS)


def test_a_model_without_a_section_stops_the_copy(team_client, worker, monkeypatch):
    monkeypatch.setattr(
        clientcopy,
        "SECTIONS",
        tuple(s for s in clientcopy.SECTIONS if s.label != "careplans.HistoricalGoal"),
    )
    assert clientcopy.missing_sections() == ["careplans.HistoricalGoal"]
    export = ClientExport.objects.create(client=team_client, requested_by=worker, language="en")
    with pytest.raises(LookupError):
        clientcopy.copy_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ClientExport.Status.FAILED
    assert export.archive is None


def test_the_copy_holds_a_row_of_every_table_of_the_client(team_client, worker, tmp_path):
    made = _Filler(team_client, MARK).fill()
    ContactFactory(client=team_client, note="Walked by the river.")
    AuditEvent.objects.create(client=team_client, action="client.view", actor_username="v.petrova")

    document, pdf = _build(team_client, worker)

    by_model = {s["model"]: s for s in document["sections"]}
    for model in made:
        label = model._meta.label
        if model._meta.auto_created or label in clientcopy.NOT_IN_COPY:
            continue
        assert by_model[label]["rows"], f"no rows of {label} in the copy"
    assert MARK in json.dumps(by_model["careplans.HistoricalCarePlan"]["rows"])
    assert any(r["actor_username"] == "v.petrova" for r in by_model["outreach.AuditEvent"]["rows"])
    assert document["format"] == "outreach-client-copy"
    text = _pdf_text(pdf, tmp_path)
    assert "Walked by the river." in text
    assert "Every version of the care plan" in text
    assert "v.petrova" in text


def test_the_pdf_is_in_the_language_asked_for(team_client, worker, tmp_path):
    ContactFactory(client=team_client, note="Разходихме се.")
    _, pdf = _build(team_client, worker, language="bg")
    text = _pdf_text(pdf, tmp_path)
    assert "Разходихме се." in text
    # Choices and field names come from the Bulgarian catalogue.
    assert "Female" not in text
    assert "Жена" in text


def test_worker_asks_waits_and_downloads_once(
    client, worker, team_client, django_capture_on_commit_callbacks
):
    client.force_login(worker)
    page = client.get(team_client.get_absolute_url())
    assert reverse("outreach:client-copy", args=[team_client.pk]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outreach:client-copy", args=[team_client.pk]), {"language": "en"}
        )
    export = ClientExport.objects.get()
    status_url = reverse("outreach:client-copy-status", args=[team_client.pk, export.pk])
    assert response["Location"] == status_url
    status = client.get(status_url)
    assert "Download the copy" in status.content.decode()

    download_url = reverse("outreach:client-copy-download", args=[team_client.pk, export.pk])
    assert client.get(download_url).status_code == 405  # a GET never hands it over
    first = client.post(download_url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/zip"
    assert f"{team_client.code}-copy.pdf" in _unzip(first.content)
    export.refresh_from_db()
    assert export.archive is None and export.status == ClientExport.Status.DOWNLOADED

    second = client.post(download_url)
    assert second.status_code == 410
    assert "can be downloaded only once" in second.content.decode()
    actions = list(
        AuditEvent.objects.filter(client=team_client, action__startswith="client.copy")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("client.copy_request", worker.pk),
        ("client.copy_ready", worker.pk),
        ("client.copy_download", worker.pk),
    ]


def test_progress_is_polled_while_the_copy_is_made(client, worker, team_client):
    export = ClientExport.objects.create(
        client=team_client, requested_by=worker, language="en", progress=40
    )
    client.force_login(worker)
    url = reverse("outreach:client-copy-status", args=[team_client.pk, export.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and "40%" in page
    audited = AuditEvent.objects.count()
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert AuditEvent.objects.count() == audited  # the poll shows no record content
    ClientExport.objects.filter(pk=export.pk).update(status="ready", progress=100)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done and "Download the copy" in done


def test_only_the_requester_downloads(client, worker, supervisor, outsider, team_client):
    export = ClientExport.objects.create(
        client=team_client, requested_by=worker, language="en", status="ready", archive=b"zip"
    )
    download = reverse("outreach:client-copy-download", args=[team_client.pk, export.pk])
    status = reverse("outreach:client-copy-status", args=[team_client.pk, export.pk])
    for user in (supervisor, outsider):
        client.force_login(user)
        assert client.post(download).status_code == 404
        assert client.get(status).status_code == 404
    export.refresh_from_db()
    assert bytes(export.archive) == b"zip"


def test_who_may_ask_for_a_copy(client, team_client, users_by_role):
    from outreach.models import Role
    from tests.factories import UserFactory

    url = reverse("outreach:client-copy", args=[team_client.pk])
    other_worker = UserFactory(role=Role.PROFESSIONAL, teams=[team_client.team])
    for user, status in (
        (users_by_role["worker"], 200),
        (users_by_role["peer"], 200),
        (users_by_role["supervisor"], 200),
        (other_worker, 404),  # of the team, not the client's tandem
        (users_by_role["outside_supervisor"], 404),
        (users_by_role["admin"], 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.post(url, {"language": "bg"}).status_code in (status, 302)
    assert ClientExport.objects.count() == 3


def test_a_copy_nobody_downloaded_is_dropped_by_the_nightly_task(team_client, worker, settings):
    from datetime import timedelta

    from django.utils import timezone

    from outreach.tasks import anonymise_past_retention

    settings.OUTREACH_COPY_KEEP_DAYS = 7
    old = ClientExport.objects.create(
        client=team_client,
        requested_by=worker,
        language="en",
        status="ready",
        archive=b"zip",
        requested_at=timezone.now() - timedelta(days=8),
    )
    fresh = ClientExport.objects.create(
        client=team_client, requested_by=worker, language="en", status="ready", archive=b"zip"
    )
    anonymise_past_retention.delay().get()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.archive) == ("expired", None)
    assert (fresh.status, bytes(fresh.archive)) == ("ready", b"zip")
    assert AuditEvent.objects.filter(action="client.copy_expire", object_id=str(old.pk)).exists()


def test_copy_page_queries_do_not_grow(client, worker, team_client, django_assert_num_queries):
    for _ in range(5):
        ClientExport.objects.create(client=team_client, requested_by=worker, language="en")
    client.force_login(worker)
    url = reverse("outreach:client-copy", args=[team_client.pk])
    client.get(url)
    # session, user, client (with team and tandem), audit insert, the copies; the idle
    # timeout's session save (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("/copy/") >= 5


def _overtaken(monkeypatch, export, then):
    """The first run's archive step, during which a second run makes the whole copy."""
    archive = clientcopy._archive

    def meanwhile(export_, built):
        monkeypatch.setattr(clientcopy, "_archive", archive)  # the second run: as usual
        assert clientcopy.copy_build(export_id=export.pk).status == ClientExport.Status.READY
        return then(archive(export_, built))

    monkeypatch.setattr(clientcopy, "_archive", meanwhile)


def test_two_runs_at_once_make_one_copy(team_client, worker, monkeypatch):
    """A task given out again while its first run is still going (a worker thought lost, the
    visibility timeout passed) runs twice at once: one copy, one "copy ready"."""
    export = ClientExport.objects.create(client=team_client, requested_by=worker, language="en")
    made = {}
    _overtaken(monkeypatch, export, lambda archive: made.setdefault("first", archive + b"x"))
    assert clientcopy.copy_build(export_id=export.pk).status == ClientExport.Status.READY
    export.refresh_from_db()
    assert bytes(export.archive) != made["first"]  # the second run's copy, kept
    ready = AuditEvent.objects.filter(action="client.copy_ready", object_id=str(export.pk))
    assert ready.count() == 1


def test_a_run_that_fails_after_another_made_the_copy_leaves_it_ready(
    team_client, worker, monkeypatch
):
    export = ClientExport.objects.create(client=team_client, requested_by=worker, language="en")

    def fail(_archive):
        raise OSError("disk full")

    _overtaken(monkeypatch, export, fail)
    with pytest.raises(OSError):
        clientcopy.copy_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ClientExport.Status.READY and export.archive is not None
