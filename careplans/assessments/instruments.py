"""Instruments as data: validate an instrument's items and scoring rule, and score answers.

An instrument is two JSON documents (see `Instrument`):

items:   [{"code": "life", "type": "scale", "min": 1, "max": 7,
           "text": {"en": "...", "bg": "..."},
           "labels": {"1": {"en": "...", "bg": "..."}, ...},   # optional anchors
           "more_help": true},                                 # optional: "wants more help?"
          {"code": "friend", "type": "yes_no", "text": {...}}]
scoring: {"rule": "mean", "items": ["life", ...],
          "sub_scores": [{"code": "qol", "label": {"en": "...", "bg": "..."},
                          "rule": "mean", "items": [...]}]}

The score is always computed here from the answers; a score sent by a form is never trusted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ITEM_TYPES = ("scale", "yes_no")
CODE_RE = re.compile(r"^[a-z0-9_]{1,40}$")
MAX_ITEMS = 200


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _sum(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


RULES: dict[str, Callable[[list[Decimal]], Decimal]] = {"mean": _mean, "sum": _sum}
SCORE_PLACES = Decimal("0.0001")


def pick_language(texts: Mapping[str, str] | str | None, language: str | None = None) -> str:
    """Return the text in the given (or current) language, falling back to English, then any."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    language = (language or get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en") or next((t for t in texts.values() if t), "")


def languages_of(items: list[dict[str, Any]]) -> set[str]:
    """Languages in which every item of the instrument has a text."""
    langs: set[str] | None = None
    for item in items:
        text = item.get("text")
        have = {k for k, v in text.items() if v} if isinstance(text, dict) else {"en"}
        langs = have if langs is None else langs & have
    return langs or set()


def _check_text(value: Any, where: str, errors: list[str]) -> None:
    if isinstance(value, str) and value.strip():
        return
    if (
        isinstance(value, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        and (value.get("en") or "").strip()
    ):
        return
    errors.append(
        _('%(where)s needs a text: a string or {"en": ..., "bg": ...}.') % {"where": where}
    )


def _check_items(items: Any, errors: list[str]) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list) or not items:
        errors.append(_("Items must be a non-empty list."))
        return {}
    if len(items) > MAX_ITEMS:
        errors.append(_("An instrument has at most %(n)s items.") % {"n": MAX_ITEMS})
        return {}
    by_code: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items, start=1):
        where = _("Item %(n)s") % {"n": index}
        if not isinstance(item, dict):
            errors.append(_("%(where)s must be an object.") % {"where": where})
            continue
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(
                _("%(where)s needs a code of lowercase letters, digits and _.") % {"where": where}
            )
            continue
        where = _("Item %(code)s") % {"code": code}
        if code in by_code:
            errors.append(_("%(where)s appears twice.") % {"where": where})
            continue
        kind = item.get("type", "scale")
        if kind not in ITEM_TYPES:
            errors.append(
                _("%(where)s has an unknown type (use scale or yes_no).") % {"where": where}
            )
            continue
        if kind == "scale":
            low, high = item.get("min"), item.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
                errors.append(_("%(where)s needs whole numbers min and max.") % {"where": where})
                continue
            if not low < high or high - low > 100:
                errors.append(
                    _("%(where)s needs min below max (at most 100 steps).") % {"where": where}
                )
                continue
            labels = item.get("labels", {})
            if not isinstance(labels, dict) or any(
                not str(k).lstrip("-").isdigit() or not low <= int(k) <= high for k in labels
            ):
                errors.append(
                    _("%(where)s has labels for values outside its scale.") % {"where": where}
                )
                continue
            for value, label in labels.items():
                _check_text(label, f"{where}: {value}", errors)
        _check_text(item.get("text"), where, errors)
        if not isinstance(item.get("more_help", False), bool):
            errors.append(_("%(where)s: more_help must be true or false.") % {"where": where})
        by_code[code] = item
    return by_code


def _check_rule(
    rule: Any, by_code: dict[str, dict[str, Any]], where: str, errors: list[str]
) -> None:
    if not isinstance(rule, dict):
        errors.append(_("%(where)s must be an object.") % {"where": where})
        return
    if rule.get("rule") not in RULES:
        errors.append(
            _("%(where)s: rule must be one of %(rules)s.")
            % {"where": where, "rules": ", ".join(sorted(RULES))}
        )
    codes = rule.get("items")
    if not isinstance(codes, list) or not codes:
        errors.append(_("%(where)s needs a non-empty list of items.") % {"where": where})
        return
    if len(set(map(str, codes))) != len(codes):
        errors.append(_("%(where)s lists an item twice.") % {"where": where})
    for code in codes:
        item = by_code.get(code) if isinstance(code, str) else None
        if item is None:
            errors.append(
                _("%(where)s refers to an unknown item %(code)s.") % {"where": where, "code": code}
            )
        elif item.get("type", "scale") != "scale":
            errors.append(
                _("%(where)s: item %(code)s is yes/no and cannot be scored.")
                % {"where": where, "code": code}
            )


def validate_definition(*, items: Any, scoring: Any) -> None:
    """Raise ValidationError (on `items` or `scoring`) unless the instrument can be used."""
    item_errors: list[str] = []
    by_code = _check_items(items, item_errors)
    scoring_errors: list[str] = []
    if not isinstance(scoring, dict):
        scoring_errors.append(_("The scoring rule must be an object."))
    elif not item_errors:
        _check_rule(scoring, by_code, _("The score"), scoring_errors)
        subs = scoring.get("sub_scores", [])
        if not isinstance(subs, list):
            scoring_errors.append(_("sub_scores must be a list."))
            subs = []
        seen: set[str] = set()
        for index, sub in enumerate(subs, start=1):
            code = sub.get("code") if isinstance(sub, dict) else None
            where = _("Sub-score %(code)s") % {"code": code or index}
            if not isinstance(code, str) or not CODE_RE.match(code) or code in seen:
                scoring_errors.append(_("%(where)s needs a unique code.") % {"where": where})
                continue
            seen.add(code)
            _check_text(sub.get("label", code), where, scoring_errors)
            _check_rule(sub, by_code, where, scoring_errors)
    errors = {}
    if item_errors:
        errors["items"] = item_errors
    if scoring_errors:
        errors["scoring"] = scoring_errors
    if errors:
        raise ValidationError(errors, code="invalid_instrument")


def clean_answers(
    *, items: list[dict[str, Any]], answers: Mapping[str, Any], help_wanted: list[str] = ()
) -> tuple[dict[str, int | bool], list[str]]:
    """Check that every item is answered within its scale; return normalised answers."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int | bool] = {}
    known = {item["code"] for item in items}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors.setdefault("answers", []).append(
            _("Unknown items: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        )
    for item in items:
        code = item["code"]
        value = answers.get(code)
        if value is None or value == "":
            errors.setdefault(code, []).append(_("Please answer this question."))
            continue
        if item.get("type", "scale") == "yes_no":
            if isinstance(value, bool):
                cleaned[code] = value
            elif value in ("yes", "true", "1", 1):
                cleaned[code] = True
            elif value in ("no", "false", "0", 0):
                cleaned[code] = False
            else:
                errors.setdefault(code, []).append(_("Answer yes or no."))
            continue
        try:
            number = int(value)
            if isinstance(value, bool) or str(number) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            errors.setdefault(code, []).append(_("Choose a whole number."))
            continue
        if not item["min"] <= number <= item["max"]:
            errors.setdefault(code, []).append(
                _("Choose a value from %(min)s to %(max)s.")
                % {"min": item["min"], "max": item["max"]}
            )
            continue
        cleaned[code] = number
    may_want_help = {item["code"] for item in items if item.get("more_help")}
    wanted = [code for code in help_wanted if code in may_want_help]
    if set(help_wanted) - may_want_help:
        errors.setdefault("answers", []).append(_("More help can only be asked for listed items."))
    if errors:
        raise ValidationError(errors, code="invalid_answers")
    return cleaned, sorted(set(wanted), key=[i["code"] for i in items].index)


def _apply(rule: Mapping[str, Any], answers: Mapping[str, int | bool], places: Decimal) -> Decimal:
    values = [Decimal(int(answers[code])) for code in rule["items"]]
    return RULES[rule["rule"]](values).quantize(places, rounding=ROUND_HALF_UP)


def compute_scores(
    *, scoring: Mapping[str, Any], answers: Mapping[str, int | bool]
) -> tuple[Decimal, dict[str, str]]:
    """Compute the score and the sub-scores from complete, cleaned answers."""
    score = _apply(scoring, answers, SCORE_PLACES)
    subs = {
        sub["code"]: str(_apply(sub, answers, SCORE_PLACES))
        for sub in scoring.get("sub_scores", [])
    }
    return score, subs


def score_range(items: list[dict[str, Any]], rule: Mapping[str, Any]) -> tuple[int, int] | None:
    """The lowest and highest score a rule can give (for a gauge), or None if unknown."""
    by_code = {i.get("code"): i for i in items if isinstance(i, dict)}
    try:
        scored = [by_code[code] for code in rule["items"]]
        lows, highs = [int(i["min"]) for i in scored], [int(i["max"]) for i in scored]
    except (KeyError, TypeError, ValueError):
        return None
    if rule.get("rule") == "sum":
        return sum(lows), sum(highs)
    return min(lows), max(highs)


def sub_score_labels(scoring: Mapping[str, Any], language: str | None = None) -> dict[str, str]:
    """Return the label of each sub-score in the given (or current) language."""
    return {
        sub["code"]: pick_language(sub.get("label", sub["code"]), language)
        for sub in scoring.get("sub_scores", [])
        if isinstance(sub, dict) and "code" in sub
    }
