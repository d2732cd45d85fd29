"""PDFs of the plan with WeasyPrint; resources come only from the app's own static files."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://outreach.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serve `/static/...` from the project's static files; refuse every other URL."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise FatalURLFetchingError(f"refused to fetch {url}")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        if ".." in Path(relative).parts:
            raise FatalURLFetchingError(f"refused to fetch {url}")
        found = finders.find(relative)
        if not found:
            raise FatalURLFetchingError(f"no static file {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(template: str, context: dict) -> bytes:
    """Render a template to PDF bytes."""
    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
