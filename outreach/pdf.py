"""PDFs with WeasyPrint: resources come only from the app's own static files.

Every PDF of the app (care-plan easy-read and crisis sheet, municipal reports) renders through
this fetcher, so all of them work in production, where the manifest storage gives static files
content-hashed names that only STATIC_ROOT holds.
"""

from __future__ import annotations

import bisect
import functools
import logging
import mimetypes
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://outreach.invalid/"
REPLACEMENT = "\ufffd"  # DejaVu has it: a visible "?" in a diamond
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

logger = logging.getLogger(__name__)


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


@functools.cache
def _font_coverage() -> tuple[list[int], list[int]] | None:
    """Code-point ranges (starts, ends) that some installed font can draw, from fontconfig.

    Pango falls back from the page's font to any installed font, so this union is exactly
    what can print. None when fontconfig's `fc-list` is missing (then nothing is replaced).
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        logger.warning("fc-list not found: characters without a font may print as boxes")
        return None
    out = subprocess.run(  # noqa: S603 - a fixed program and arguments
        [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=False
    ).stdout
    ranges = []
    for token in out.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for first, last in ranges:
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


@functools.lru_cache(maxsize=4096)
def _printable_char(char: str) -> str:
    coverage = _font_coverage()
    if coverage is None:
        return char
    starts, ends = coverage
    point = ord(char)
    i = bisect.bisect_right(starts, point) - 1
    if i >= 0 and point <= ends[i]:
        return char
    # Joiners and variation selectors are invisible anyway; anything else shows it is missing.
    return "" if unicodedata.category(char) in {"Cf", "Mn", "Me"} else REPLACEMENT


def printable(text: str) -> str:
    """`text` with every character that no installed font can draw made visible as U+FFFD."""
    return _NON_ASCII.sub(lambda m: _printable_char(m.group()), text)


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes, fetching only the app's static files.

    A character no font can draw (an emoji in a name on a machine without a symbol font)
    would print as an empty box: it prints as a visible replacement character instead.
    """
    return HTML(
        string=printable(html), base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
