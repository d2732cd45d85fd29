"""Sections other apps add to the first screen of the client page, rendered server-side.

The core imports no feature app, so a feature app registers a section here (from its
AppConfig.ready): a function `(request, client, today) -> dict | None` that reads through its
own selectors and access module, and the template that renders its context. The client page
renders every registered section in `order` before the timeline: no late card shifts the page.
A section returning None is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest

    from outreach.models import Client

Build = Callable[["HttpRequest", "Client", date], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    build: Build


SECTIONS: dict[str, Section] = {}


def client_section(key: str, *, order: int, template: str) -> Callable[[Build], Build]:
    """Register a section of the client page's first screen (lower `order` shows first)."""

    def register(build: Build) -> Build:
        if key in SECTIONS and SECTIONS[key].build is not build:
            raise ValueError(f"Two client page sections are registered as {key!r}.")
        SECTIONS[key] = Section(key=key, order=order, template=template, build=build)
        return build

    return register


def render_sections(request: HttpRequest, client: Client, today: date) -> list[SafeString]:
    """Each registered section rendered for the client, in order."""
    out = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.build(request, client, today)
        if context is None:
            continue
        context.setdefault("client", client)
        context.setdefault("emergency_access", getattr(client, "emergency_access", None))
        out.append(SafeString(render_to_string(section.template, context, request=request)))
    return out
