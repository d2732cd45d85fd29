"""The Bulgarian interface: pages render in Bulgarian and every catalogue is fully translated."""

from __future__ import annotations

import gettext
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactFactory

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "var", "node_modules", ".git"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|<[^>]+>")
COUNTS = ("%(n)s", "%(n)d", "%(count)s", "%(count)d", "%d")


def _bg_catalogues() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("**/locale/bg/LC_MESSAGES/django.po")
        if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
    )


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), s)


def _parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"flags", "msgid", "msgid_plural", "msgstr": {index: text}}.

    A minimal reader for the files makemessages writes (no polib needed); obsolete (#~)
    entries are skipped.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [ln for ln in block.strip().splitlines() if not ln.startswith("#~")]
        if not any(ln.startswith("msgid") for ln in lines):
            continue
        entry: dict = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}}
        key = None
        for ln in lines:
            if ln.startswith("#,"):
                entry["flags"] |= {f.strip() for f in ln[2:].split(",")}
                continue
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', ln)
            if m:
                name, index, text = m.groups()
                if name.startswith("msgstr"):
                    key = ("msgstr", int(index or 0))
                    entry["msgstr"][key[1]] = _unquote(text)
                else:
                    key = (name, None)
                    entry[name] = _unquote(text)
                continue
            m = re.match(r'^"(.*)"$', ln)
            assert m, f"{path}: cannot read line {ln!r}"
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(m.group(1))
            else:
                entry[key[0]] += _unquote(m.group(1))
        entries.append(entry)
    return entries


def test_caseload_renders_in_bulgarian(client, worker, team_client):
    ContactFactory(client=team_client, started_at=timezone.now() - timedelta(days=20))
    client.force_login(worker)

    response = client.get(reverse("outreach:caseload"), headers={"accept-language": "bg"})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="bg">' in body
    assert "<h1>Клиенти</h1>" in body  # My caseload (short: it is also the phone menu label)
    assert "Последна среща" in body  # Last seen
    assert "без среща 14+ дни" in body
    assert "Изход" in body  # Sign out
    assert "Maria Ivanova" in body
    assert "My caseload" not in body and "Last seen" not in body


def test_contact_form_renders_in_bulgarian_from_the_language_cookie(client, worker, team_client):
    client.force_login(worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"

    response = client.get(reverse("outreach:contact-create", args=[team_client.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Запиши контакт" in body  # Log a contact
    assert "Запази контакта" in body  # Save contact
    assert "Лично" in body and "Неосъществен" in body  # choices from the model
    assert "Log a contact" not in body and "Face to face" not in body


def test_bulgarian_dates_are_day_first_with_a_24_hour_clock(client, worker, team_client):
    started = datetime(2026, 3, 5, 17, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))
    ContactFactory(client=team_client, started_at=started)
    client.force_login(worker)

    response = client.get(
        reverse("outreach:client-detail", args=[team_client.pk]), headers={"accept-language": "bg"}
    )

    assert "05.03.2026 17:30" in response.content.decode()


def test_every_bulgarian_catalogue_is_complete_and_compiled():
    catalogues = _bg_catalogues()
    assert ROOT / "locale/bg/LC_MESSAGES/django.po" in catalogues
    assert len(catalogues) >= 2
    problems = []
    for po in catalogues:
        entries = _parse_po(po)
        header = next(e for e in entries if e["msgid"] == "")
        assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0], po
        assert "Language: bg" in header["msgstr"][0], po
        assert "fuzzy" not in header["flags"], po
        mo = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
        for e in entries[1:]:
            where = f"{po.relative_to(ROOT)}: {e['msgid'][:60]!r}"
            if "fuzzy" in e["flags"]:
                problems.append(f"{where} is fuzzy")
            sources = [e["msgid"], e["msgid_plural"]] if e["msgid_plural"] else [e["msgid"]]
            if e["msgid_plural"] and len(e["msgstr"]) != 2:
                problems.append(f"{where} needs 2 plural forms")
            for index, text in e["msgstr"].items():
                if not text.strip():
                    problems.append(f"{where} is not translated")
                    continue
                source = sources[min(index, len(sources) - 1)]
                wanted = sorted(PLACEHOLDER.findall(source))
                got = sorted(PLACEHOLDER.findall(text))
                if e["msgid_plural"] and index == 0:
                    # The singular may say "one" instead of showing the count.
                    wanted = [p for p in wanted if p not in COUNTS]
                    got = [p for p in got if p not in COUNTS]
                if got != wanted:
                    problems.append(f"{where}: placeholders {got} instead of {wanted}")
            context = e.get("msgctxt")
            if e["msgid_plural"] and context is not None:
                compiled = [mo.npgettext(context, e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                expected = [e["msgstr"].get(0), e["msgstr"].get(1)]
            elif e["msgid_plural"]:
                compiled = [mo.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                expected = [e["msgstr"].get(0), e["msgstr"].get(1)]
            elif context is not None:
                compiled, expected = [mo.pgettext(context, e["msgid"])], [e["msgstr"].get(0)]
            else:
                compiled, expected = [mo.gettext(e["msgid"])], [e["msgstr"].get(0)]
            if compiled != expected:
                problems.append(f"{where}: the .mo is stale; run compilemessages")
    assert problems == []


def test_the_chosen_language_is_kept_for_the_user_in_a_new_browser(client, worker, team_client):
    client.force_login(worker)
    response = client.post(
        reverse("outreach:set-language"), {"language": "bg", "next": "/clients/"}
    )
    assert response.status_code == 302 and response["Location"] == "/clients/"
    worker.refresh_from_db()
    assert worker.language == "bg"

    other_browser = Client()  # no cookie, an English browser
    other_browser.force_login(worker)
    page = other_browser.get(reverse("outreach:caseload"), headers={"accept-language": "en"})
    assert '<html lang="bg">' in page.content.decode()
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"


def test_an_unknown_language_changes_nothing(client, worker):
    client.force_login(worker)
    client.post(reverse("outreach:set-language"), {"language": "xx", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == ""


def test_signed_out_visitors_choose_by_cookie_only(client):
    response = client.post(reverse("outreach:set-language"), {"language": "bg", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    page = client.get(reverse("outreach:login"))
    assert '<html lang="bg">' in page.content.decode()


def test_a_bulgarian_date_writes_its_month_in_lower_case():
    from django.utils import formats, translation

    day = date(2026, 12, 2)
    with translation.override("bg"):
        assert formats.date_format(day) == "2 декември 2026"
        assert formats.date_format(day, "MONTH_DAY_FORMAT") == "2 декември"
    with translation.override("en"):
        assert formats.date_format(day) == "2 Dec 2026"
