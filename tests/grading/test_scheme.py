"""Scoring maths, schemes, ladders and the G5 ratio arithmetic — pure functions, property-tested (G2, G3, G5, G6)."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.grading.scheme import (
    DEFAULT_LADDER,
    FOUR_RUNG_LADDER,
    INDICATORS,
    assessed_items,
    bottom_needed,
    canonical_ratio,
    canonical_scheme,
    check_points,
    combine,
    grade_for,
    rank_of,
    ratio_breach,
    scheme_hash,
    top_limit,
    track_for,
)
from shared.errors import Invalid

from .schemes import ASSESSED, make_scheme

SCHEME = canonical_scheme(make_scheme())


def points_strategy():
    return st.fixed_dictionaries({code: st.floats(0, top, allow_nan=False) for code, top in ASSESSED.items()})


@settings(max_examples=200, deadline=None)
@given(points_strategy(), points_strategy(), st.one_of(st.none(), st.floats(0, 100)))
def test_g3_score_is_within_0_100_and_is_the_sum_of_its_parts(self_points, superior_points, mass):
    parts = combine(SCHEME, self_points, superior_points, mass)
    assert 0 <= parts["score"] <= 100
    assert abs(parts["self"] + parts["superior"] + parts["mass"] - parts["score"]) < 0.02


@settings(max_examples=200, deadline=None)
@given(points_strategy(), points_strategy(), st.floats(0, 100), st.sampled_from(sorted(ASSESSED)), st.floats(0, 1))
def test_g3_more_points_never_lower_the_score_or_the_grade(self_points, superior_points, mass, code, extra):
    before = combine(SCHEME, self_points, superior_points, mass)
    better = dict(superior_points, **{code: min(ASSESSED[code], superior_points[code] + extra * ASSESSED[code])})
    after = combine(SCHEME, self_points, better, min(100.0, mass + extra))
    assert after["score"] >= before["score"]
    assert grade_for(SCHEME["ladder"], after["score"])[1] <= grade_for(SCHEME["ladder"], before["score"])[1]


def test_g3_full_marks_make_100_and_the_top_rung_nothing_makes_0_and_the_bottom():
    full = combine(SCHEME, ASSESSED, ASSESSED, 100)
    assert full["score"] == 100 and grade_for(SCHEME["ladder"], 100) == ("先进", 0)
    zero = {c: 0 for c in ASSESSED}
    assert combine(SCHEME, zero, zero, 0)["score"] == 0 and grade_for(SCHEME["ladder"], 0) == ("后进", 2)
    assert combine(SCHEME, ASSESSED, ASSESSED, None)["mass"] == 0  # no E8 result: its part is empty


ladders = st.lists(st.integers(1, 99), min_size=1, max_size=5, unique=True).map(
    lambda mins: [{"grade": f"G{i}", "min": m} for i, m in enumerate(sorted(mins, reverse=True) + [0])]
)


@settings(max_examples=200, deadline=None)
@given(ladders, st.floats(0, 100), st.floats(0, 100))
def test_g2_every_ladder_grades_monotonically(ladder, a, b):
    ladder = canonical_scheme(make_scheme(ladder=ladder))["ladder"]
    low, high = sorted((a, b))
    assert grade_for(ladder, high)[1] <= grade_for(ladder, low)[1]
    grade, rank = grade_for(ladder, high)
    assert ladder[rank]["min"] <= high and rank_of(ladder, grade) == rank


@pytest.mark.parametrize(
    "ladder, tracks",
    [
        (DEFAULT_LADDER, {"先进": "巩固", "一般": "推动", "后进": "整顿"}),
        (FOUR_RUNG_LADDER, {"好": "巩固", "较好": "推动", "一般": "推动", "较差": "整顿"}),
    ],
)
def test_g2_g6_ladder_variants_and_their_rectification_tracks(ladder, tracks):
    scheme = canonical_scheme(make_scheme(ladder=ladder))
    assert [r["grade"] for r in scheme["ladder"]] == list(tracks)
    for rank, rung in enumerate(scheme["ladder"]):
        assert grade_for(scheme["ladder"], rung["min"]) == (rung["grade"], rank)
        assert track_for(rank, len(ladder)) == tracks[rung["grade"]]
    assert grade_for(canonical_scheme(make_scheme(ladder=FOUR_RUNG_LADDER))["ladder"], 80) == ("较好", 1)


def test_g2_hash_ignores_key_order_and_number_spelling_but_not_content():
    raw = make_scheme()
    shuffled = copy.deepcopy(raw)
    shuffled["indicators"].reverse()
    shuffled["indicators"][0]["items"][0]["max"] = float(shuffled["indicators"][0]["items"][0]["max"])
    assert scheme_hash(canonical_scheme(shuffled)) == scheme_hash(SCHEME)
    stricter = make_scheme(
        ladder=[{"grade": "先进", "min": 90}, {"grade": "一般", "min": 60}, {"grade": "后进", "min": 0}]
    )
    assert scheme_hash(canonical_scheme(stricter)) != scheme_hash(SCHEME)
    assert scheme_hash(canonical_scheme(make_scheme(version="2026.1"))) != scheme_hash(SCHEME)


def broken(change):
    raw = make_scheme()
    change(raw)
    return raw


@pytest.mark.parametrize(
    "raw",
    [
        broken(lambda s: s["indicators"].pop()),  # six indicators
        broken(lambda s: s["indicators"][0]["items"][0].update(max=9)),  # 99 points
        broken(lambda s: s["indicators"][0]["items"][0].update(source="mass")),  # mass outside 群众评价
        broken(lambda s: s["indicators"][1]["items"][0].update(code="1.1")),  # duplicate code
        broken(lambda s: s.update(ladder=[{"grade": "先进", "min": 60}, {"grade": "后进", "min": 70}])),
        broken(lambda s: s.update(ladder=[{"grade": "先进", "min": 60}, {"grade": "后进", "min": 10}])),  # bottom not 0
        broken(lambda s: s.update(ladder=[{"grade": "先进", "min": 60}])),
        broken(lambda s: s.update(weights={"self": 0.5, "superior": 0.6})),
        broken(lambda s: s.update(version="")),
        broken(lambda s: s["indicators"][0].update(name="经济发展")),
    ],
    ids=[
        "six-indicators",
        "99-points",
        "mass-elsewhere",
        "duplicate-code",
        "ladder-rising",
        "bottom-not-0",
        "one-rung",
        "weights",
        "no-version",
        "unknown-indicator",
    ],
)
def test_g2_bad_schemes_are_invalid(raw):
    with pytest.raises(Invalid):
        canonical_scheme(raw)


def test_g2_the_seven_indicators_are_kept_in_order():
    assert [i["name"] for i in SCHEME["indicators"]] == list(INDICATORS)
    assert "7.1" not in assessed_items(SCHEME)  # filled from E8, not assessed


@pytest.mark.parametrize(
    "bad",
    [
        {**ASSESSED, "1.1": 11},
        {**ASSESSED, "1.1": -1},
        {k: v for k, v in ASSESSED.items() if k != "1.1"},
        {**ASSESSED, "9.9": 1},
        {**ASSESSED, "7.1": 10},
    ],
    ids=["above-max", "negative", "missing", "unknown", "mass-item-is-not-assessed"],
)
def test_g3_points_cover_exactly_the_assessed_items_within_their_max(bad):
    with pytest.raises(Invalid):
        check_points(SCHEME, bad)
    assert check_points(SCHEME, ASSESSED) == ASSESSED


# G5 ---------------------------------------------------------------------------------------------------
def test_g5_limits_use_exact_arithmetic():
    assert top_limit({"max_top": 0.29, "min_bottom": None}, 100) == 29  # 0.29 × 100 is 28.999… in floats
    assert bottom_needed({"max_top": None, "min_bottom": 0.05}, 30) == 2
    assert bottom_needed({"max_top": None, "min_bottom": None}, 30) == 0
    with pytest.raises(Invalid):
        canonical_ratio({"max_top": 0.7, "min_bottom": 0.5})


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 40),
    st.sampled_from([None, 0.1, 0.2, 0.25, 0.3, 0.5]),
    st.sampled_from([None, 0.05, 0.1, 0.2]),
    st.integers(2, 4),
    st.data(),
)
def test_g5_a_cycle_admitting_only_checked_determinations_ends_within_both_rules(
    orgs, max_top, min_bottom, rungs, data
):
    """Whatever grades superiors ask for, refusing the breaches (and asking again lower or as 后进) ends
    every cycle with ≤ the cap on the top rung and ≥ the minimum on the bottom one."""
    ratio = canonical_ratio({"max_top": max_top, "min_bottom": min_bottom})
    top = bottom = 0
    for determined in range(orgs):
        rank = data.draw(st.integers(0, rungs - 1))
        breach = ratio_breach(ratio, orgs, top, bottom, determined, rank, rungs)
        if breach and breach["rule"] == "G5-max-top":
            rank = 1
            breach = ratio_breach(ratio, orgs, top, bottom, determined, rank, rungs)
        if breach:
            assert breach["rule"] == "G5-min-bottom"
            rank = rungs - 1
            assert ratio_breach(ratio, orgs, top, bottom, determined, rank, rungs) is None
        top += rank == 0
        bottom += rank == rungs - 1
    limit = top_limit(ratio, orgs)
    assert limit is None or top <= limit
    assert bottom >= bottom_needed(ratio, orgs)
