"""PDFs of the plan: the easy-read copy and the one-page crisis sheet (see outreach.pdf)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from outreach.pdf import html_to_pdf

if TYPE_CHECKING:
    from careplans.models import CarePlan, CrisisSheetShare


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes."""
    return html_to_pdf(render_to_string(template, context))


def crisis_sheet_pdf(*, careplan: CarePlan, share: CrisisSheetShare) -> bytes:
    """Render the crisis sheet of a plan as shared with the share's recipient."""
    client = careplan.client
    statement = getattr(careplan, "advance_statement", None)
    people = list(client.support_people.all())
    return render_pdf(
        "careplans/crisis_sheet_pdf.html",
        {
            "plan": careplan,
            "client": client,
            "statement": statement,
            "share": share,
            "contacts": list(statement.crisis_contacts.all()) if statement else [],
            "do_not_contact": [p for p in people if p.do_not_contact],
            "today": timezone.localdate(),
        },
    )
