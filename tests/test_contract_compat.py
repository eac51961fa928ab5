"""The published event contract survives change (docs/CONTRACT.md): the code's schemas are compatible with
every committed revision under contracts/, and the checker refuses each kind of breaking change."""

from __future__ import annotations

import copy

import pytest

from services import EVENT_SOURCES, spec
from services.grading.contract import CONTRACT as GRADING
from shared.compat import breaking_changes, check, layout

SPECS = [spec(name) for name in EVENT_SOURCES]


def determined() -> dict:
    return copy.deepcopy(next(t.schema for t in GRADING.types if t.name == "determined"))


def test_the_code_publishes_only_what_the_snapshots_allow():
    assert check(SPECS) == []


def test_adding_an_optional_field_is_compatible():
    new = determined()
    new["properties"]["org_level"] = {"type": "string"}
    assert breaking_changes(determined(), new) == []


def test_narrowing_is_compatible():
    old = {"type": "object", "properties": {"c": {"type": ["string", "null"]}, "n": {"type": "number"}}}
    new = {"type": "object", "properties": {"c": {"type": "string"}, "n": {"type": "integer"}}}
    assert breaking_changes(old, new) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda s: s["properties"].pop("score"), "score: removed"),
        (lambda s: s["properties"].__setitem__("rank", {"type": "string"}), "rank: type widened or changed"),
        (lambda s: s["required"].remove("grade"), "grade: no longer required"),
        (lambda s: s["properties"]["score"].__setitem__("maximum", 150), "score: maximum loosened"),
        (lambda s: s["properties"]["ladder"].__setitem__("items", {"type": "integer"}), "ladder[]: type"),
        (lambda s: s["properties"].__setitem__("override", {"type": "object"}), "override: oneOf changed"),
    ],
)
def test_each_breaking_change_of_a_published_event_is_refused(change, expected):
    new = determined()
    change(new)
    problems = breaking_changes(determined(), new)
    assert any(expected in p for p in problems), problems


def test_an_enum_may_lose_values_but_gain_none():
    old = {"enum": ["a", "b"]}
    assert breaking_changes(old, {"enum": ["a"]}) == []
    assert breaking_changes(old, {"enum": ["a", "b", "c"]})


def test_compatibility_is_checked_against_every_revision_not_only_the_last():
    first = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    second = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"]}
    third = {"type": "object", "properties": {"b": {"type": "string"}}}  # drops a: compatible with nothing before
    assert breaking_changes(second, third) and breaking_changes(first, third)


def test_the_subject_layout_is_part_of_the_contract():
    assert layout("grading", "determined") == "cxzy.grading.determined.l1.l2._._.v1._._._.ORG"
