"""Whatever JSON an administrator types, validation answers with a message, never a crash."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from careplans.assessments.instruments import (
    RULES,
    clean_answers,
    compute_scores,
    score_range,
    validate_definition,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["code", "type", "min", "max", "text", "labels", "rule", "items", "en"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=15,
)


@st.composite
def valid_definitions(draw):
    """A definition valid by construction: unique codes, scales with min below max, a rule."""
    codes = draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True))
    items = []
    for code in codes:
        if items and draw(st.booleans()):
            items.append({"code": code, "type": "yes_no", "text": {"en": code}})
            continue
        low = draw(st.integers(-5, 5))
        items.append(
            {
                "code": code,
                "type": "scale",
                "min": low,
                "max": low + draw(st.integers(1, 20)),
                "text": draw(st.sampled_from([code, {"en": code, "bg": code}])),
            }
        )
    scales = [i["code"] for i in items if i["type"] == "scale"]
    scored = draw(st.lists(st.sampled_from(scales), min_size=1, unique=True))
    return items, {"rule": draw(st.sampled_from(sorted(RULES))), "items": scored}


def _usable(items, scoring, pick) -> None:
    answers = {
        i["code"]: (pick(i["min"], i["max"]) if i["type"] == "scale" else True) for i in items
    }
    cleaned, _wanted = clean_answers(items=items, answers=answers)
    assert set(cleaned) == {i["code"] for i in items}
    score, _subs = compute_scores(scoring=scoring, answers=cleaned)
    low, high = score_range(items, scoring)
    assert low <= score <= high


@settings(max_examples=300, deadline=None)
@given(items=json_values, scoring=json_values)
def test_any_json_is_validated_without_crashing(items, scoring):
    """Refused with readable messages, or accepted and then usable: full answers get a score."""
    try:
        validate_definition(items=items, scoring=scoring)
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"items", "scoring"}
        assert all(isinstance(m, str) and m.strip() for m in exc.messages)
        assert exc.messages
        return
    _usable(items, scoring, min)


@settings(max_examples=150, deadline=None)
@given(definition=valid_definitions())
def test_a_valid_definition_is_accepted_and_scores_in_its_range(definition):
    items, scoring = definition
    validate_definition(items=items, scoring=scoring)
    _usable(items, scoring, min)
    _usable(items, scoring, max)


BREAKS = {
    "unknown rule": lambda items, scoring: scoring.update(rule="median"),
    "unknown type": lambda items, scoring: items[0].update(type="text"),
    "min not below max": lambda items, scoring: items[0].update(max=items[0].get("min", 0)),
    "code twice": lambda items, scoring: items.append(dict(items[0])),
    "bad code": lambda items, scoring: items[0].update(code="A b"),
    "unknown scored item": lambda items, scoring: scoring["items"].append("zz"),
    "item scored twice": lambda items, scoring: scoring["items"].append(scoring["items"][0]),
    "yes/no scored": lambda items, scoring: (
        items.append({"code": "z", "type": "yes_no", "text": "z"}),
        scoring["items"].append("z"),
    ),
    "no scored item": lambda items, scoring: scoring.update(items=[]),
    "no text": lambda items, scoring: items[0].update(text=""),
}


@settings(max_examples=150, deadline=None)
@given(definition=valid_definitions(), broken=st.sampled_from(sorted(BREAKS)))
def test_a_definition_with_one_fault_is_refused(definition, broken):
    items, scoring = definition
    BREAKS[broken](items, scoring)
    with pytest.raises(ValidationError) as exc:
        validate_definition(items=items, scoring=scoring)
    assert exc.value.messages, broken


@settings(max_examples=200, deadline=None)
@given(
    answers=st.dictionaries(
        st.sampled_from(["a", "b", "c", "zz"]),
        st.none() | st.booleans() | st.integers(-3, 9) | st.text(max_size=3),
    )
)
def test_any_answers_are_scored_only_when_complete_and_in_scale(answers):
    items = [
        {"code": "a", "type": "scale", "min": 1, "max": 7, "text": "A"},
        {"code": "b", "type": "scale", "min": 1, "max": 7, "text": "B"},
        {"code": "c", "type": "yes_no", "text": "C"},
    ]
    scoring = {"rule": "mean", "items": ["a", "b"]}
    validate_definition(items=items, scoring=scoring)
    try:
        cleaned, _ = clean_answers(items=items, answers=answers)
    except ValidationError:
        return
    assert set(cleaned) == {"a", "b", "c"}
    assert all(1 <= cleaned[k] <= 7 for k in ("a", "b"))
    score, _subs = compute_scores(scoring=scoring, answers=cleaned)
    assert 1 <= score <= 7


def test_a_score_cannot_be_sent_with_the_answers():
    items = [{"code": "a", "type": "scale", "min": 1, "max": 7, "text": "A"}]
    with pytest.raises(ValidationError) as exc:
        clean_answers(items=items, answers={"a": 3, "score": 7})
    assert "Unknown items: score." in exc.value.message_dict["answers"]
