"""`{% submission_token %}`: the hidden token of an idempotent create form (outreach/submissions.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from outreach.submissions import FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, form_token(context.get("request"))
    )
