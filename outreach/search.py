"""One normalisation for every search that finds people, the same on SQLite and PostgreSQL.

Names are compared on a key kept with the record (`Client.search_key`, `given_key`,
`family_key`) and the query is normalised the same way, so the database only compares plain
lower-case text: no collation, no ILIKE/UPPER of non-ASCII letters (SQLite folds only ASCII),
and the same answer on both databases. The key is casefolded, stripped of accents (NFKD, the
combining marks dropped), "ё" reads as "е" and "ѝ" as "и", while "й" stays itself (a letter of
its own in Bulgarian and Russian, not "и" with an accent); runs of spaces, dashes and other
punctuation become one space.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q

_KEEP = {"й": "й"}  # decomposes to и + breve; kept a letter of its own
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str | None) -> str:
    """The comparable form of a name, code or query: see the module's docstring."""
    if not text:
        return ""
    out = []
    for ch in unicodedata.normalize("NFC", text).casefold():
        if ch in _KEEP:
            out.append(_KEEP[ch])
            continue
        out.extend(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", "".join(out)).strip()


def digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def client_keys(
    *, given_name: str, family_name: str, known_as: str, code: str, phone: str
) -> dict[str, str]:
    """The stored keys of a client: `given_key`, `family_key` and `search_key`.

    The search key holds the names, the pseudonymous code (both as written, "c wmr8…", and run
    together, "cwmr8…", so a fragment typed with or without the dash matches) and the phone's
    digits.
    """
    code_key = normalise(code)
    parts = [
        normalise(given_name),
        normalise(family_name),
        normalise(known_as),
        code_key,
        code_key.replace(" ", ""),
        digits(phone),
    ]
    return {
        "given_key": normalise(given_name),
        "family_key": normalise(family_name),
        "search_key": " ".join(p for p in parts if p),
    }


def search_filter(q: str, field: str = "search_key") -> Q:
    """The filter for a search box's text: every word of it is found in the search key (in any
    order: "петров иван" finds Иван Петров), or, when the text looks like a phone number (only
    digits and separators), its digits run together are.

    An empty query matches nothing.
    """
    words = normalise(q).split()
    if not words:
        return Q(pk__in=[])
    match = Q()
    for word in words:
        match &= Q(**{f"{field}__contains": word})
    number = digits(q)
    if len(number) >= 3 and not re.search(r"[^\d\s()+./-]", q) and len(words) > 1:
        match |= Q(**{f"{field}__contains": number})
    return match


def matches(q: str, key: str) -> bool:
    """`search_filter` in Python, for a key already at hand (and to test the database's answer)."""
    words = normalise(q).split()
    if not words:
        return False
    if all(word in key for word in words):
        return True
    number = digits(q)
    return len(number) >= 3 and not re.search(r"[^\d\s()+./-]", q) and number in key
