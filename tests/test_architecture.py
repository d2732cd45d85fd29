"""Every access rule lives in an access module: no role comparison anywhere else.

Core querysets and questions live in `outreach/access.py`, each feature app's in `<app>/access.py`;
templates ask them through the context processors (`access`, `referrals_access`,
`indicators_access`) or through values the view passes. This test reads the source (Python
outside migrations and the access modules, and every template) and fails naming `file:line` for
each role comparison it finds. `make lint` runs it too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from indicators.context_processors import IndicatorQuestions
from outreach.context_processors import CoreQuestions, Questions
from outreach.models import Role
from referrals.context_processors import ReferralQuestions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("outreach", "referrals", "careplans", "indicators")
ACCESS_MODULES = {f"{app}/access.py" for app in APPS}

# Code that reads or writes a role as data and decides nothing about access. Each entry is one
# exact piece of code in one file, so a new comparison next to it is still caught.
DATA_NOT_ACCESS = {
    ("outreach/accounts/services.py", "before.role != after.role"): (
        "detects a change of role so that it is audited"
    ),
    ("outreach/caserecord/demo.py", 'team.members.filter(role__in=["professional", "peer"])'): (
        "demo seeding picks two workers of a team to put in the demo's records"
    ),
    ("indicators/dataio/importer.py", 'user["role"] == Role.COORDINATOR'): (
        "the importer maps the CSV's staff role: a coordinator row gets the municipality"
    ),
}

ROLE_VALUES = sorted(Role.values)


def _python_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in ACCESS_MODULES:
                continue
            files.append(path)
    return files


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_role_member(node: ast.AST) -> bool:
    """`Role.SUPERVISOR` (the user roles; `CriterionRole.SCORING` of a referral is not one)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def _is_other_role_enum(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id.endswith("Role")
        and node.value.id != "Role"
    )


def _is_role_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLE_VALUES


def _is_roleish(node: ast.AST) -> bool:
    """A user's role, a role, or a set of roles."""
    if isinstance(node, ast.Attribute | ast.Name) and _name(node) == "role":
        return True  # user.role, role
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "role"
    ):
        return True  # row["role"]
    if _is_role_member(node) or _name(node).endswith("_ROLES"):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role_member(e) or _is_role_literal(e) for e in node.elts)
    return False


QUERY_METHODS = {"filter", "exclude", "get", "Q"}
ROLE_LOOKUP = re.compile(r"(^|__)role(__in|__exact|__iexact)?$")


def role_comparisons(source: str) -> list[tuple[int, str]]:
    """Return (line, code) of each role comparison in Python `source`."""
    tree = ast.parse(source)
    found = []

    def hit(node: ast.AST) -> None:
        found.append((node.lineno, ast.get_source_segment(source, node) or ""))

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_other_role_enum(o) for o in operands):
                continue  # e.g. criterion.role != CriterionRole.SCORING
            if any(_is_roleish(o) for o in operands):
                hit(node)
        elif isinstance(node, ast.Match) and _is_roleish(node.subject):
            hit(node.subject)
        elif isinstance(node, ast.Subscript) and _is_roleish(node.slice):
            hit(node)  # {Role.X: …}[user.role]
        elif isinstance(node, ast.Call):
            called = _name(node.func)
            if called == "has_role":
                hit(node)  # outreach.access.has_role is for the access modules
            elif called in QUERY_METHODS and any(
                k.arg and ROLE_LOOKUP.search(k.arg) for k in node.keywords
            ):
                hit(node)  # User.objects.filter(role__in=…)
    return sorted(set(found))


_ROLE_LITERAL = "[\"'](?:" + "|".join(ROLE_VALUES) + ")[\"']"
TEMPLATE_RULES = [
    (re.compile(r"\buser\.role\b"), "reads user.role"),
    (
        re.compile(rf"(==|!=|\bin)\s*{_ROLE_LITERAL}|{_ROLE_LITERAL}\s*(==|!=|\bin\b)"),
        "compares with a role",
    ),
    (
        re.compile(r"(==|!=)\s*(request\.)?user\.(pk|id)\b|\buser\.(pk|id)\s*(==|!=)"),
        "compares with the user (who may change what is an access question)",
    ),
]


def template_role_checks(text: str) -> list[tuple[int, str]]:
    """Return (line, reason) of each role check in a template's `text`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, reason in TEMPLATE_RULES:
            if pattern.search(line):
                found.append((number, reason))
    return found


def test_no_role_comparison_outside_the_access_modules():
    offences = []
    used = set()
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        for line, code in role_comparisons(path.read_text(encoding="utf-8")):
            if (rel, code) in DATA_NOT_ACCESS:
                used.add((rel, code))
                continue
            offences.append(f"{rel}:{line}: {code}")
    assert not offences, (
        "Role comparisons outside the access modules; ask a named function of "
        "<app>/access.py instead:\n" + "\n".join(offences)
    )
    assert used == set(DATA_NOT_ACCESS), f"stale allow-list entries: {set(DATA_NOT_ACCESS) - used}"


def test_no_role_check_in_templates():
    offences = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        for line, reason in template_role_checks(path.read_text(encoding="utf-8")):
            offences.append(f"{rel}:{line}: {reason}")
    assert not offences, (
        "Role checks in templates; ask `access.…`, `referrals_access.…` or "
        "`indicators_access.…`, or pass the answer from the view:\n" + "\n".join(offences)
    )


TEMPLATE_QUESTIONS: dict[str, type[Questions]] = {
    "access": CoreQuestions,
    "referrals_access": ReferralQuestions,
    "indicators_access": IndicatorQuestions,
}


def test_templates_ask_only_questions_that_exist():
    """A misspelt question would be silently false in a template: fail here instead."""
    variables = "|".join(TEMPLATE_QUESTIONS)
    pattern = re.compile(rf"\b({variables})\.(\w+)")
    offences = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for variable, name in pattern.findall(line):
                if name not in TEMPLATE_QUESTIONS[variable].names():
                    offences.append(f"{rel}:{number}: {variable}.{name}")
    assert not offences, "Unknown access questions in templates:\n" + "\n".join(offences)


def test_template_questions_come_from_access_modules_and_are_registered():
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    for path in (
        "outreach.context_processors.core_access",
        "referrals.context_processors.referrals_access",
        "indicators.context_processors.indicators_access",
    ):
        assert path in processors
    for questions in TEMPLATE_QUESTIONS.values():
        for name in questions.names():
            question = getattr(questions, name).question
            assert question.__module__.endswith(".access"), (questions, name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("if user.role == Role.SUPERVISOR: pass", True),
        ("ok = request.user.role != 'partner'", True),
        ("ok = user.role in TEAM_ROLES", True),
        ("ok = role not in (Role.PEER, Role.PROFESSIONAL)", True),
        ("ok = Role.ADMIN == user.role", True),
        ("ok = user.role == Role.DPO", True),
        ("ok = request.user.role in {'dpo', 'supervisor'}", True),
        ("ok = access.has_role(user, Role.DPO)", True),
        ("ok = kind in TRIAGE_ROLES", True),
        ("ok = row['role'] == 'coordinator'", True),
        ("User.objects.filter(teams=t, role__in=TEAM_ROLES)", True),
        ("Q(author__role=Role.PEER)", True),
        ("ok = access.has_role(user, Role.PEER)", True),
        ("x = {Role.PEER: 1}[user.role]", True),
        ("match user.role:\n    case 'peer':\n        pass", True),
        ("ok = criterion.role != CriterionRole.SCORING", False),
        ("UserFactory(role=Role.PEER)", False),
        ("label = dict(Role.choices)[value]", False),
        ("ok = access.works_in_tandem(user)", False),
    ],
)
def test_the_scanner_finds_role_comparisons(code, expected):
    assert bool(role_comparisons(code)) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{% if user.role == "supervisor" %}', True),
        ("{% if request.user.role %}", True),
        ("{% if role != 'partner' %}", True),
        ('{% if "admin" == kind %}', True),
        ('{% if kind == "dpo" %}', True),
        ('{% if item.role == "scoring" %}', False),
        ("{{ user.get_role_display }}", False),
        ("{% if access.sees_team_caseload %}", False),
    ],
)
def test_the_template_scanner_finds_role_checks(line, expected):
    assert bool(template_role_checks(line)) is expected
