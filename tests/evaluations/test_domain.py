"""EvaluationRound and Window aggregates, rule by rule (DOMAIN.md E2–E6, P7), and property tests of the
aggregation maths. No I/O."""

import datetime as dt
import math
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.evaluations.domain import (
    MODES,
    EvaluationRound,
    PledgePolicy,
    Window,
    aggregate,
    grade_for,
    normalise_weights,
    round_id_for,
)
from shared.errors import Invalid, Refused

ORG = {"id": "VIL1", "local": ["13", "1301", "130102", "130102001"], "vertical": []}
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 14)
DURING, AFTER = dt.date(2026, 3, 5), dt.date(2026, 3, 15)


def open_round(**overrides) -> EvaluationRound:
    args = {
        "round_id": uuid.uuid4(),
        "org": ORG,
        "trace": {},
        "subject_type": "member",
        "subject_id": "M1",
        "purpose": "democratic",
        "year": 2026,
        "modes": {"self": 20, "peer": 50, "leader": 30},
        "start": START,
        "end": END,
        "min_participation": 0.5,
        "eligible": 4,
        "publish": False,
    }
    args.update(overrides)
    return EvaluationRound.open(**args)


def rate(r: EvaluationRound, mode: str, rater: str, score: float, on: dt.date = DURING, device: str | None = None):
    r.rate(mode, rater, score, on, ORG, {}, device=device)


# — weights and maths (E6, P7) —
def test_p7_weights_sum_to_one_or_to_a_hundred():
    assert normalise_weights({"self": 20, "peer": 80}) == {"self": 0.2, "peer": 0.8}
    assert normalise_weights({"mass": 1.0}) == {"mass": 1.0}
    for bad in ({}, {"self": 0.5}, {"self": 60, "peer": 60}, {"gossip": 1.0}, {"self": -1, "peer": 2}):
        with pytest.raises(Invalid):
            normalise_weights(bad)


weights = st.dictionaries(st.sampled_from(list(MODES)), st.floats(0.01, 10), min_size=1).map(
    lambda w: {m: v / sum(w.values()) for m, v in w.items()}
)
scores = st.lists(st.floats(0, 100, allow_nan=False), max_size=8)


@settings(max_examples=200, deadline=None)
@given(weights, st.dictionaries(st.sampled_from(list(MODES)), scores))
def test_e6_result_lies_between_the_lowest_and_highest_mode_mean(w, ratings):
    score, per_mode = aggregate(w, ratings)
    means = [sum(ratings[m]) / len(ratings[m]) for m in w if ratings.get(m)]
    assert 0 <= score <= 100
    if means:
        assert min(means) - 0.01 <= score <= max(means) + 0.01
    else:
        assert score == 0
    assert set(per_mode) == set(w) and all(per_mode[m]["count"] == len(ratings.get(m, [])) for m in w)


@settings(max_examples=200, deadline=None)
@given(weights, st.data())
def test_e6_with_every_mode_rated_the_result_is_the_weighted_mean_of_mode_means(w, data):
    ratings = {m: data.draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=6)) for m in w}
    score, _ = aggregate(w, ratings)
    expected = sum(w[m] * sum(v) / len(v) for m, v in ratings.items())
    assert math.isclose(score, round(expected, 2), abs_tol=0.011)


@settings(max_examples=100, deadline=None)
@given(weights, st.floats(0.1, 100), st.dictionaries(st.sampled_from(list(MODES)), scores))
def test_p7_scaling_all_weights_changes_nothing_and_silent_modes_drop_out(w, factor, ratings):
    scaled = {m: v * factor for m, v in w.items()}
    assert aggregate(w, ratings)[0] == pytest.approx(aggregate(scaled, ratings)[0], abs=0.011)
    rated_only = {m: v for m, v in w.items() if ratings.get(m)}
    if rated_only:
        assert aggregate(w, ratings)[0] == pytest.approx(aggregate(rated_only, ratings)[0], abs=0.011)


@given(st.floats(0, 100), st.floats(0, 100))
def test_e6_grades_are_monotonic_in_the_score(a, b):
    for purpose, ladder in (
        ("democratic", ["不合格", "基本合格", "合格", "优秀"]),
        ("window", ["不满意", "基本满意", "比较满意", "满意"]),
    ):
        lo, hi = sorted((a, b))
        assert ladder.index(grade_for(purpose, lo)) <= ladder.index(grade_for(purpose, hi))


# — lifecycle (E6) —
def test_e6_a_round_completes_with_the_weighted_result_once_participation_is_met():
    r = open_round()
    rate(r, "self", "M1", 90)
    rate(r, "peer", "M2", 80)
    rate(r, "peer", "M3", 60)
    rate(r, "leader", "S-VIL1", 100)
    r.close(DURING, ORG, {})  # 4 of 4 took part: may close before the end date
    event = r.collect_events()[-1]
    assert isinstance(event, EvaluationRound.Completed)
    assert event.score == pytest.approx(0.2 * 90 + 0.5 * 70 + 0.3 * 100)  # 83
    assert event.grade == "合格" and event.published is False
    assert event.participation == {"eligible": 4, "participated": 4, "rate": 1.0}
    assert event.modes["peer"] == {"weight": 0.5, "score": 70.0, "count": 2}
    assert r.state == "completed"
    with pytest.raises(Refused):
        rate(r, "peer", "M4", 50)  # closed rounds take no ratings


def test_e6_closing_early_needs_the_minimum_participation_and_records_nothing_when_refused():
    r = open_round(min_participation=0.75)
    rate(r, "self", "M1", 90)
    rate(r, "peer", "M2", 80)
    pending = len(r.collect_events())
    with pytest.raises(Refused) as refused:
        r.close(END, ORG, {})  # the end date is still inside the period
    assert refused.value.slug == "participation-not-met" and refused.value.extra["participation"]["rate"] == 0.5
    assert r.state == "open" and not r.collect_events() and pending == 3


def test_e6_after_the_end_date_a_round_below_the_minimum_lapses_without_a_score():
    r = open_round(min_participation=0.75)
    rate(r, "self", "M1", 90)
    r.close(AFTER, ORG, {})
    event = r.collect_events()[-1]
    assert isinstance(event, EvaluationRound.Lapsed) and r.state == "lapsed" and r.score is None
    assert event.participation["participated"] == 1


def test_e6_after_the_end_date_a_round_with_enough_participation_completes():
    r = open_round(min_participation=0.25)
    rate(r, "peer", "M2", 50)
    r.close(AFTER, ORG, {})
    assert r.state == "completed" and r.score == 50.0 and r.grade == "不合格"


def test_e5_one_rater_one_device_one_vote_per_round_and_only_within_the_period():
    r = open_round(modes={"mass": 1.0}, subject_type="window", subject_id="W1", purpose="window")
    rate(r, "mass", "ballot:a", 100, device="d1")
    for rater, device, slug in (("ballot:a", "d2", "double-vote"), ("ballot:b", "d1", "duplicate-device")):
        with pytest.raises(Refused) as refused:
            rate(r, "mass", rater, 80, device=device)
        assert refused.value.slug == slug
    for day in (START - dt.timedelta(days=1), AFTER):
        with pytest.raises(Refused):
            rate(r, "mass", "ballot:c", 80, on=day, device="d3")
    with pytest.raises(Invalid):
        rate(r, "self", "M1", 80)  # not a mode of this round
    with pytest.raises(Invalid):
        rate(r, "mass", "ballot:d", 101, device="d4")
    assert r.participation()["participated"] == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject_type": "building"},
        {"purpose": "gossip"},
        {"purpose": "democratic", "subject_type": "org"},
        {"end": START - dt.timedelta(days=1)},
        {"min_participation": 1.5},
        {"eligible": 0},
        {"modes": {"peer": 0.4}},
    ],
)
def test_e6_bad_rounds_are_refused(overrides):
    with pytest.raises(Invalid):
        open_round(**overrides)


def test_p7_e7_automatic_round_ids_are_deterministic():
    assert round_id_for("pledge:x") == round_id_for("pledge:x") != round_id_for("pledge:y")


# — windows (E2, E3) —
def test_e2_e3_window_disclosures_and_one_contest_score_per_target_and_round():
    w = Window.register("W1", "WIN1", "政务服务窗口", ORG, {})
    w.disclose("standard", "办事指南", "营业执照办理：3 个工作日", DURING, ORG, {})
    assert w.disclosures[0]["show"] == "standard"
    with pytest.raises(Invalid):
        w.disclose("gossip", "x", "y", DURING, ORG, {})
    w.score_contest("skill", "2026-Q1", "M10", 92, ORG, {})
    with pytest.raises(Refused):
        w.score_contest("skill", "2026-Q1", "M10", 95, ORG, {})
    with pytest.raises(Invalid):
        w.score_contest("speed", "2026-Q1", "M11", 95, ORG, {})


# — pledge evaluation policy (P7: configurable, versioned) —
def test_p7_policies_are_versioned_and_validated():
    policy = PledgePolicy.create("local:13/1301")
    policy.set({"self": 10, "peer": 40, "leader": 50}, 10, 0.6)
    assert policy.reference == "local:13/1301@1" and policy.modes == {"self": 0.1, "peer": 0.4, "leader": 0.5}
    policy.set({"mass": 1}, 7, 0.3)
    assert policy.reference == "local:13/1301@2"
    for modes, days, minimum in (({"self": 0.3}, 7, 0.5), ({"self": 1}, 0, 0.5), ({"self": 1}, 7, 2.0)):
        with pytest.raises(Invalid):
            policy.set(modes, days, minimum)
    assert policy.reference == "local:13/1301@2"
    r = open_round(policy=policy.reference)
    assert r.policy == "local:13/1301@2" and r.collect_events()[0].policy == "local:13/1301@2"


def test_e5_a_round_may_use_its_own_satisfaction_scale():
    default = open_round(modes={"mass": 1}, subject_type="window", subject_id="W1", purpose="window")
    assert default.scale_score("比较满意") == 80.0
    r = open_round(
        modes={"mass": 1},
        subject_type="window",
        subject_id="W1",
        purpose="window",
        scale={"好": 100, "中": 60, "差": 0},
    )
    assert r.scale_score("中") == 60.0 and r.collect_events()[0].scale == {"好": 100.0, "中": 60.0, "差": 0.0}
    with pytest.raises(Invalid):
        r.scale_score("满意")  # not a level of this round's scale
    for bad in ({"好": 100}, {"好": 100, "差": 101}, {"好": 100, " ": 0}, {str(i): i for i in range(8)}):
        with pytest.raises(Invalid):
            open_round(modes={"mass": 1}, subject_type="window", subject_id="W1", purpose="window", scale=bad)
