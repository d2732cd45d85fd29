"""Whatever JSON an administrator types, validation answers with a message, never a crash."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from careplans.assessments.instruments import clean_answers, compute_scores, validate_definition

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


@settings(max_examples=300, deadline=None)
@given(items=json_values, scoring=json_values)
def test_any_json_is_validated_without_crashing(items, scoring):
    try:
        validate_definition(items=items, scoring=scoring)
    except ValidationError:
        pass


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
