"""GradingCycle and OrgGrading, rule by rule (G3–G8). No I/O."""

import datetime as dt

import pytest

from services.grading.domain import GradingCycle, OrgGrading, cycle_id_for, determine_grade, grading_id_for
from services.grading.scheme import FOUR_RUNG_LADDER
from shared.errors import Invalid, Refused

from .schemes import make_scheme, points

ORG = {"id": "VIL1", "local": ["13", "1301", "130102", "130102001"], "vertical": []}
MASS = {"round_id": "r1", "score": 80.0, "grade": "满意", "participation_rate": 0.9}


def cycle(orgs=5, ratio=None, ladder=None) -> GradingCycle:
    return GradingCycle.deploy(
        year=2025,
        scope="local:13/1301/130102",
        issuer_org_id="P130102",
        schemes={"农村": make_scheme(ladder=ladder)},
        ratio=ratio or {},
        orgs_in_scope=orgs,
        by="dept",
        org=ORG,
        trace={},
    )


def assessed(c: GradingCycle, org_id="VIL1", share=0.9) -> tuple[OrgGrading, dict]:
    found = c.scheme_for("农村")
    g = OrgGrading.open(str(c.id), org_id, 2025, "农村", found["hash"], ORG, {})
    g.self_assess(found["scheme"], points(share), {"3.2": ["制度文件.pdf"]}, ORG, {})
    g.superior_assess(found["scheme"], points(share), "材料齐全", "county", ORG, {})
    return g, found["scheme"]


def determine(c: GradingCycle, g: OrgGrading, grade=None, reason=None, previous=None) -> dict:
    return determine_grade(c, g, MASS, grade, reason, previous, "county", dt.date(2026, 12, 1), ORG, {})


def test_g1_ids_are_one_cycle_per_scope_and_year():
    assert cycle().id == cycle_id_for("local:13/1301/130102", 2025) != cycle_id_for("local:13/1301/130102", 2026)
    assert grading_id_for(cycle().id, "VIL1") != grading_id_for(cycle().id, "VIL2")
    with pytest.raises(Refused):
        cycle(orgs=0)
    with pytest.raises(Invalid):
        GradingCycle.deploy(
            year=2025,
            scope="local:13",
            issuer_org_id="P13",
            schemes={},
            ratio={},
            orgs_in_scope=3,
            by="d",
            org=ORG,
            trace={},
        )


def test_g3_determination_combines_self_superior_and_the_e8_result():
    c = cycle()
    g, scheme = assessed(c)
    with pytest.raises(Refused, match="E8"):
        g.proposal(scheme, None, None, None, None)  # the mass result has not arrived
    proposal = determine(c, g)
    assert proposal["parts"] == {"self": 22.95, "superior": 53.55, "mass": 12.0, "score": 88.5}
    assert (g.grade, g.rank, g.state, proposal["mass"]["round_id"]) == ("先进", 0, "determined", "r1")
    assert proposal["suggested_grade"] == "先进" and proposal["advanced"] is True


def test_g3_nothing_is_determined_before_both_assessments():
    c = cycle()
    found = c.scheme_for("农村")
    g = OrgGrading.open(str(c.id), "VIL1", 2025, "农村", found["hash"], ORG, {})
    with pytest.raises(Refused, match="self-assessed"):
        g.proposal(found["scheme"], MASS, None, None, None)
    g.self_assess(found["scheme"], points(0.5), {}, ORG, {})
    with pytest.raises(Refused, match="superior"):
        g.proposal(found["scheme"], MASS, None, None, None)
    with pytest.raises(Invalid):
        g.self_assess(found["scheme"], points(0.5), {"9.9": ["x"]}, ORG, {})  # evidence for no sub-item


def test_g4_another_grade_than_the_score_suggests_needs_a_reason_and_is_final():
    c = cycle()
    g, scheme = assessed(c)
    with pytest.raises(Invalid):
        g.proposal(scheme, MASS, "一般", None, None)
    with pytest.raises(Invalid):
        g.proposal(scheme, MASS, "优秀", "x", None)  # not on the ladder
    proposal = determine(c, g, "一般", "班子成员有违纪情况")
    assert (proposal["grade"], proposal["suggested_grade"], proposal["adjust_reason"]) == (
        "一般",
        "先进",
        "班子成员有违纪情况",
    )
    with pytest.raises(Refused):
        g.self_assess(scheme, points(1), {}, ORG, {})
    with pytest.raises(Refused):
        g.proposal(scheme, MASS, None, None, None)
    with pytest.raises(Refused):
        determine(c, g)  # an org is determined, and so counted, once
    assert c.counts() == (0, 0, 1)


def test_g5_cap_refused_with_the_numbers_then_allowed_by_a_recorded_override():
    c = cycle(orgs=5, ratio={"max_top": 0.2})
    g1, scheme = assessed(c, "VIL1")
    determine(c, g1)
    g2, _ = assessed(c, "VIL3")
    with pytest.raises(Refused) as refused:
        determine(c, g2)
    body = refused.value.body()
    assert (body["rule"], body["top_limit"], body["top_after"], body["orgs_in_scope"]) == ("G5-max-top", 1, 2, 5)
    assert "先进比例" in body["title_zh"] and g2.grade is None
    c.record_override("VIL3", "一般", scheme["ladder"], "试点村", "dept", ORG, {})
    with pytest.raises(Refused):
        determine(c, g2)  # the override names another grade
    c.record_override("VIL3", "先进", scheme["ladder"], "全国文明村", "dept", ORG, {})
    assert determine(c, g2)["grade"] == "先进"
    assert g2.grade == "先进" and c.counts() == (2, 0, 2)
    with pytest.raises(Refused):
        c.record_override("VIL3", "先进", scheme["ladder"], "again", "dept", ORG, {})  # already determined
    with pytest.raises(Invalid):
        c.record_override("VIL4", "先进", scheme["ladder"], "", "dept", ORG, {})


def test_g5_the_minimum_share_of_the_bottom_rung_stays_reachable():
    c = cycle(orgs=2, ratio={"min_bottom": 0.5})
    g1, scheme = assessed(c, "VIL1", 0.7)
    determine(c, g1)  # 一般: one org left, it can still be 后进
    g2, _ = assessed(c, "VIL3", 0.7)
    with pytest.raises(Refused) as refused:
        determine(c, g2)
    assert refused.value.body()["rule"] == "G5-min-bottom" and refused.value.body()["bottom_needed"] == 1
    assert determine(c, g2, "后进", "群众满意度低")["grade"] == "后进"


@pytest.mark.parametrize(
    "ladder, share, track",
    [
        (None, 0.95, "巩固"),
        (None, 0.7, "推动"),
        (None, 0.2, "整顿"),
        (FOUR_RUNG_LADDER, 0.8, "推动"),
        (FOUR_RUNG_LADDER, 0.2, "整顿"),
    ],
)
def test_g6_the_plan_follows_the_grade(ladder, share, track):
    c = cycle(ladder=ladder)
    g, scheme = assessed(c, share=share)
    with pytest.raises(Refused):
        g.plan_rectification(["p"], ["m"], "2026-06-30", ORG, {})  # not determined yet
    determine(c, g)
    with pytest.raises(Invalid):
        g.plan_rectification([], ["m"], "2026-06-30", ORG, {})
    g.plan_rectification(["阵地建设不足"], ["新建活动室"], "2026-06-30", ORG, {})
    assert g.plan == {"track": track, "due": "2026-06-30"} and g.state == "rectifying"
    with pytest.raises(Refused):
        g.plan_rectification(["x"], ["y"], "2026-06-30", ORG, {})


def test_g6_g8_progress_until_done_then_one_acceptance():
    c = cycle()
    g, scheme = assessed(c, share=0.2)
    determine(c, g)
    with pytest.raises(Refused):
        g.accept(True, "x", "next", "county", ORG, {})  # no plan yet
    g.plan_rectification(["软弱涣散"], ["选派第一书记"], "2026-06-30", ORG, {})
    g.report_progress("已选派", ["任命文件.pdf"], False, ORG, {})
    g.report_progress("整顿完成", [], True, ORG, {})
    with pytest.raises(Refused):
        g.report_progress("again", [], False, ORG, {})
    g.accept(True, "整顿到位", "next", "county", ORG, {})
    assert (g.accepted, g.state, g.progress_count) == (True, "accepted", 2)
    with pytest.raises(Refused):
        g.accept(False, "x", "next", "county", ORG, {})


def test_g8_a_failed_acceptance_bars_the_top_rung_next_year():
    c = cycle()
    g, scheme = assessed(c, share=0.95)
    with pytest.raises(Refused, match="G8"):
        g.proposal(scheme, MASS, None, None, {"grade": "后进", "accepted": False})
    proposal = determine(c, g, "一般", "上年整改未通过验收", previous={"grade": "后进", "accepted": False})
    assert proposal["previous"]["accepted"] is False
