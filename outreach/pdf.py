"""PDFs with WeasyPrint: resources come only from the app's own static files.

Every PDF of the app (care-plan easy-read and crisis sheet, municipal reports) renders through
this fetcher, so all of them work in production, where the manifest storage gives static files
content-hashed names that only STATIC_ROOT holds.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://outreach.invalid/"


def _collected(relative: str) -> str | None:
    """A collected file under STATIC_ROOT (production names carry a content hash)."""
    try:
        path = staticfiles_storage.path(relative)  # safe_join: never outside STATIC_ROOT
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return path if Path(path).is_file() else None


class StaticOnlyFetcher(URLFetcher):
    """Serve `/static/...` from the project's static files; refuse every other URL."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise FatalURLFetchingError(f"refused to fetch {url}")
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        if ".." in Path(relative).parts:
            raise FatalURLFetchingError(f"refused to fetch {url}")
        found = finders.find(relative) or _collected(relative)
        if not found:
            raise FatalURLFetchingError(f"no static file {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes, fetching only the app's static files."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
