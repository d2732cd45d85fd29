"""A readable side-by-side difference between two saved versions of a care plan."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from careplans.models import AdvanceStatement, Contributor, Goal, LifeDomain
from careplans.services import ADVANCE_FIELDS


def _advance_label(field: str) -> str:
    if field == "crisis_contacts":
        return str(_("Whom to contact"))
    return str(AdvanceStatement._meta.get_field(field).verbose_name).capitalize()


def flatten(version: Any) -> list[tuple[str, str, str]]:
    """(key, label, text) of every part of one plan version, in reading order."""
    rows: list[tuple[str, str, str]] = [
        ("what_matters", _("What matters to me"), version.what_matters),
        ("strengths", _("Strengths"), version.strengths),
        ("diagnosis", _("Diagnosis"), version.diagnosis),
    ]
    domains = version.domains or {}
    for key, label in LifeDomain.choices:
        rows.append((f"domain:{key}", f"{_('Life domain')}: {label}", domains.get(key, "")))
    contributors = dict(Contributor.choices)
    names = [str(contributors.get(c, c)) for c in version.contributors or []]
    if version.contributors_detail:
        names.append(version.contributors_detail)
    rows.append(("contributors", _("Contributors"), ", ".join(names)))
    snapshot = version.snapshot or {}
    statuses = dict(Goal.Status.choices)
    domain_names = dict(LifeDomain.choices)
    for goal in snapshot.get("goals", []):
        lines = [goal["text"], f"[{statuses.get(goal['status'], goal['status'])}]"]
        for a in goal.get("actions", []):
            when = f" — {_('by')} {a['due_on']}" if a.get("due_on") else ""
            done = f" ✓ {a['done_on']}" if a.get("done_on") else ""
            lines.append(f"• {a['who']}: {a['what']}{when}{done}")
        label = f"{_('Goal')} ({domain_names.get(goal['domain'], goal['domain'])})"
        rows.append((f"goal:{goal['id']}", label, "\n".join(lines)))
    advance = snapshot.get("advance", {})
    # jsonb does not keep key order: read the fields in the form's order.
    for field in [*ADVANCE_FIELDS[:10], "crisis_contacts", *ADVANCE_FIELDS[10:]]:
        if field not in advance:
            continue
        value = advance[field]
        if isinstance(value, bool):
            text = str(_("yes")) if value else str(_("no"))
        elif isinstance(value, list):
            text = ", ".join(value)
        else:
            text = value or ""
        rows.append(
            (f"advance:{field}", f"{_('Advance statement')}: {_advance_label(field)}", text)
        )
    return [(k, str(label), text or "") for k, label, text in rows]


def _highlight(old: str, new: str) -> tuple[SafeString, SafeString]:
    old_words, new_words = old.split(" "), new.split(" ")
    left, right = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        a = escape(" ".join(old_words[i1:i2]))
        b = escape(" ".join(new_words[j1:j2]))
        if op == "equal":
            left.append(a)
            right.append(b)
        else:
            if a:
                left.append(f"<del>{a}</del>")
            if b:
                right.append(f"<ins>{b}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 - parts escaped


@dataclass(frozen=True)
class DiffRow:
    label: str
    old: SafeString
    new: SafeString
    kind: str  # "changed", "added" or "removed"


def versions_diff(old: Any, new: Any) -> list[DiffRow]:
    """Only the parts that differ between two versions, old on the left, new on the right."""
    before = {k: (label, text) for k, label, text in flatten(old)}
    rows = []
    seen = set()
    for key, label, text in flatten(new):
        seen.add(key)
        old_text = before.get(key, ("", ""))[1]
        if old_text != text:
            kind = "added" if not old_text else ("removed" if not text else "changed")
            left, right = _highlight(old_text, text)
            rows.append(DiffRow(label=label, old=left, new=right, kind=kind))
    for key, (label, text) in before.items():
        if key not in seen and text:
            left, right = _highlight(text, "")
            rows.append(DiffRow(label=label, old=left, new=right, kind="removed"))
    return rows
