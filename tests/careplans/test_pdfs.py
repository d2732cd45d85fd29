"""Care-plan PDFs in production mode, and a crisis-sheet share recorded only with its PDF."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from careplans.models import CrisisSheetShare
from outreach.models import AuditEvent
from tests.factories import ConsentFactory


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.OUTREACH_REQUIRE_2FA = False


def test_care_plan_pdfs_render_with_production_static_files(
    client, worker, plan, team_client, production_static
):
    client.force_login(worker)
    response = client.get(reverse("careplans:careplan-easyread-pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    consent = ConsentFactory(client=team_client, recipient="ЦПЗ София")
    response = client.post(
        reverse("careplans:crisis-sheet", args=[plan.pk]), {"consent": consent.pk}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert CrisisSheetShare.objects.filter(consent=consent).count() == 1


def test_crisis_sheet_share_is_not_recorded_when_the_pdf_fails(
    client, worker, plan, team_client, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the PDF engine failed")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", broken)
    consent = ConsentFactory(client=team_client, recipient="ЦПЗ София")
    client.force_login(worker)
    with pytest.raises(RuntimeError, match="PDF engine"):
        client.post(reverse("careplans:crisis-sheet", args=[plan.pk]), {"consent": consent.pk})
    assert not CrisisSheetShare.objects.exists()
    assert not AuditEvent.objects.filter(action="crisissheet.share").exists()


def test_crisis_sheet_share_and_its_audit_event_are_one_transaction(
    worker, plan, team_client, origin, monkeypatch
):
    from careplans import services
    from outreach import audit

    def audit_fails(**kwargs):
        raise RuntimeError("the audit insert failed")

    consent = ConsentFactory(client=team_client, recipient="ЦПЗ София")
    monkeypatch.setattr(audit, "record", audit_fails)
    with pytest.raises(RuntimeError, match="audit insert"):
        services.crisis_sheet_share(careplan=plan, author=worker, consent=consent, origin=origin)
    assert not CrisisSheetShare.objects.exists()


def _pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    return text, fonts


def test_emoji_in_a_name_print_and_a_character_no_font_has_shows_as_replaced(
    client, worker, plan, team_client, tmp_path
):
    team_client.given_name = "Мария 🌻 \U0010fffd"  # a private-use character: no font has it
    team_client.save()
    client.force_login(worker)
    response = client.get(reverse("careplans:careplan-easyread-pdf", args=[plan.pk]))
    assert response.status_code == 200
    text, fonts = _pdf_text(response.content, tmp_path)
    assert "Мария 🌻" in text  # drawn by the symbol font, not an empty box
    assert "Symbola" in fonts
    assert "Мария 🌻 \ufffd" in text and "\U0010fffd" not in text


def test_printable_keeps_what_a_font_draws_and_replaces_the_rest():
    from outreach.pdf import printable

    assert printable("Ёлкин café 🌻") == "Ёлкин café 🌻"
    assert printable("a\U0010fffdb") == "a\ufffdb"
    assert printable("e\u0301") == "e\u0301"  # a combining accent that fonts have stays
