"""Campaign, Nomination, Exemplar and the eligibility rules, rule by rule (DOMAIN.md A1–A7). No I/O."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.awards.campaign import Campaign
from services.awards.domain import leading_chain, nomination_id
from services.awards.eligibility import assess, member_reasons, org_reasons
from services.awards.exemplars import Exemplar, Study
from services.awards.nomination import Nomination
from shared.errors import Invalid, Refused
from shared.scope import Position, Scope

ORG = {"id": "P1301", "local": ["13", "1301"], "vertical": []}
VIL1 = {"id": "VIL1", "local": ["13", "1301", "130102", "130102001"], "vertical": []}
TODAY = dt.date(2026, 5, 1)
PUBLICITY = dt.date(2026, 6, 12)
GRANT = dt.date(2026, 6, 28)
LEVELS = ["local:13/1301/130102", "local:13/1301"]
ELIGIBLE = {"eligible": True, "reasons": [], "facts": {}, "override": None}
TITLES = [
    {"name": "先进基层党组织", "quota": 1},
    {"name": "优秀共产党员", "quota": 2},
    {"name": "最美共产党员", "subject": "member", "quota": 1},
]


def campaign(titles=TITLES, **dates) -> Campaign:
    args = dict(
        nomination_until=dt.date(2026, 5, 31),
        publicity_from=dt.date(2026, 6, 10),
        publicity_until=dt.date(2026, 6, 20),
        grant_on=GRANT,
    )
    args.update(dates)
    return Campaign.open(
        org=ORG,
        trace={},
        name="七一表彰",
        kind="qiyi",
        year=2026,
        scope="local:13/1301",
        opener_org_id="P1301",
        titles=titles,
        opened_by="admin",
        today=TODAY,
        **args,
    )


def nominate(
    c: Campaign, nominee: str = "VIL1", title: str = "先进基层党组织", kind: str = "org", eligibility: dict = ELIGIBLE
) -> Nomination:
    return Nomination.nominate(
        campaign=c,
        org=VIL1,
        trace={},
        title=title,
        nominee_type=kind,
        nominee_id=nominee,
        levels=LEVELS,
        deeds="带领群众脱贫致富",
        nominated_by="S-VIL1",
        eligibility=eligibility,
        today=TODAY,
    )


def shortlisted(c: Campaign, nominee: str = "VIL1", **kw) -> Nomination:
    n = nominate(c, nominee, **kw)
    n.pass_level("sup", "", VIL1, {})
    n.shortlist(c, "admin", "", TODAY, VIL1, {})
    return n


def test_a1_titles_standard_and_local_with_quotas():
    c = campaign()
    assert c.titles["先进基层党组织"]["subject"] == "org" and c.titles["最美共产党员"]["subject"] == "member"
    for bad in (
        [],
        [{"name": "最美共产党员", "quota": 1}],
        [{"name": "先进基层党组织", "quota": 0}],
        [{"name": "优秀共产党员", "subject": "org", "quota": 1}],
        [{"name": "优秀共产党员", "quota": 1}, {"name": "优秀共产党员", "quota": 2}],
    ):
        with pytest.raises(Invalid):
            campaign(titles=bad)


def test_a5_timetable_runs_nomination_then_publicity_then_grant():
    with pytest.raises(Invalid):
        campaign(publicity_from=dt.date(2026, 5, 20))  # publicity before nomination closes
    with pytest.raises(Invalid):
        campaign(grant_on=dt.date(2026, 6, 15))  # grant inside publicity
    c = campaign()
    assert [c.phase(d) for d in (TODAY, dt.date(2026, 6, 1), PUBLICITY, GRANT)] == [
        "nominating",
        "recommending",
        "publicity",
        "awaiting_grant",
    ]


def test_a3_nomination_climbs_level_by_level_then_is_shortlisted():
    c = campaign()
    n = nominate(c)
    assert n.id == nomination_id(c.id, "先进基层党组织", "org", "VIL1")  # one per nominee and title
    assert n.level == "local:13/1301/130102"
    with pytest.raises(Refused):
        n.shortlist(c, "admin", "", TODAY, VIL1, {})  # not at the top yet
    n.hold("sup", "事迹材料待补充", VIL1, {})
    assert n.state == "held" and n.level == "local:13/1301/130102"
    n.pass_level("sup", "同意推荐", VIL1, {})
    assert (n.state, n.level) == ("pending", "local:13/1301")
    with pytest.raises(Refused):
        n.pass_level("admin", "", VIL1, {})  # the top level shortlists instead
    n.shortlist(c, "admin", "", TODAY, VIL1, {})
    assert n.state == "shortlisted" and c.candidates() == [str(n.id)]
    for illegal in (
        lambda: n.hold("x", "r", VIL1, {}),
        lambda: n.reject("x", "r", VIL1, {}),
        lambda: n.revoke("r", "x", TODAY, VIL1, {}),
    ):
        with pytest.raises(Refused):
            illegal()


def test_a3_reject_needs_a_reason_and_is_final():
    n = nominate(campaign())
    with pytest.raises(Invalid):
        n.reject("sup", "", VIL1, {})
    n.reject("sup", "群众反映一般", VIL1, {})
    with pytest.raises(Refused):
        n.pass_level("sup", "", VIL1, {})


def test_a4_ineligible_refused_with_reasons_unless_overridden():
    c = campaign()
    bad = {"eligible": False, "reasons": ["2025 年定级为「一般」"], "facts": {}, "override": None}
    with pytest.raises(Refused) as refused:
        nominate(c, eligibility=bad)
    assert refused.value.extra["reasons"] == bad["reasons"]
    overridden = nominate(c, eligibility={**bad, "override": {"reason": "抗洪抢险表现突出", "by": "admin"}})
    assert overridden.eligibility["override"]["reason"] == "抗洪抢险表现突出"


def test_a4_nominee_type_must_match_the_title():
    with pytest.raises(Invalid):
        nominate(campaign(), nominee="M1", title="先进基层党组织", kind="member")


def test_quota_full_is_refused_with_the_numbers():
    c = campaign()
    shortlisted(c, "VIL1")
    n2 = nominate(c, "WIN1")
    n2.pass_level("sup", "", VIL1, {})
    with pytest.raises(Refused) as refused:
        n2.shortlist(c, "admin", "", TODAY, VIL1, {})
    assert (refused.value.extra["quota"], refused.value.extra["used"]) == (1, 1)


@given(st.lists(st.tuples(st.sampled_from(["shortlist", "uphold"]), st.integers(0, 5)), max_size=30))
def test_quota_is_never_exceeded(ops):
    """Property: whatever order candidates are shortlisted and withdrawn in, places used ≤ quota."""
    c = campaign(titles=[{"name": "优秀共产党员", "quota": 2}])
    pool = [nominate(c, f"M{i}", "优秀共产党员", "member") for i in range(6)]
    for n in pool:
        n.pass_level("sup", "", VIL1, {})
    for op, i in ops:
        n = pool[i]
        try:
            if op == "shortlist":
                n.shortlist(c, "admin", "", TODAY, VIL1, {})
            else:
                oid = n.raise_objection(c, "事迹不实", PUBLICITY, VIL1, {})
                n.resolve_objection(c, oid, True, "经核实异议成立", "admin", VIL1, {})
        except (Refused, Invalid):
            pass
        used = c.shortlist.get("优秀共产党员", [])
        assert len(used) <= 2
        assert sorted(used) == sorted(str(p.id) for p in pool if p.state == "shortlisted")


def test_a5_objections_only_during_publicity_and_resolved_before_grant():
    c = campaign()
    n = shortlisted(c)
    with pytest.raises(Refused):
        n.raise_objection(c, "事迹不实", TODAY, VIL1, {})  # publicity has not begun
    oid = n.raise_objection(c, "事迹不实", PUBLICITY, VIL1, {})
    c.grant(GRANT, "admin", [str(n.id)], ORG, {})
    with pytest.raises(Refused):
        n.grant(c, "admin", GRANT, VIL1, {})  # an open objection blocks the grant
    with pytest.raises(Invalid):
        n.resolve_objection(c, oid, False, "", "admin", VIL1, {})  # dismissed with a reason
    n.resolve_objection(c, oid, False, "经核实，反映情况不属实", "admin", VIL1, {})
    with pytest.raises(Refused):
        n.resolve_objection(c, oid, True, "again", "admin", VIL1, {})
    n.grant(c, "admin", GRANT, VIL1, {})
    assert n.state == "granted"


def test_a5_upheld_objection_withdraws_and_frees_the_place():
    c = campaign()
    n = shortlisted(c)
    oid = n.raise_objection(c, "存在违纪问题", PUBLICITY, VIL1, {})
    n.resolve_objection(c, oid, True, "经核实异议成立", "admin", VIL1, {})
    assert n.state == "withdrawn" and c.candidates() == []


def test_a6_grant_waits_for_the_grant_date_and_revoke_needs_a_reason():
    c = campaign()
    n = shortlisted(c)
    with pytest.raises(Refused):
        c.grant(PUBLICITY, "admin", [str(n.id)], ORG, {})
    c.grant(GRANT, "admin", [str(n.id)], ORG, {})
    n.grant(c, "admin", GRANT, VIL1, {})
    with pytest.raises(Invalid):
        n.revoke("", "admin", GRANT, VIL1, {})
    n.revoke("弄虚作假", "admin", GRANT, VIL1, {})
    assert n.state == "revoked"


def test_a7_exemplars_come_from_the_honoured_and_are_studied():
    c = campaign()
    n = shortlisted(c)
    with pytest.raises(Refused):
        Exemplar.select(honour=n, citation="扎根基层", by="sup", org=VIL1, trace={})
    c.grant(GRANT, "admin", [str(n.id)], ORG, {})
    n.grant(c, "admin", GRANT, VIL1, {})
    e = Exemplar.select(honour=n, citation="扎根基层", by="sup", org=VIL1, trace={})
    e.promote("tour", "先进事迹巡回报告", GRANT, "sup", VIL1, {})
    with pytest.raises(Invalid):
        e.promote("billboard", "x", GRANT, "sup", VIL1, {})
    s = Study.record(
        exemplar=e,
        learner_type="org",
        learner_id="COM1",
        form="专题学习",
        on=GRANT,
        today=GRANT,
        by="S",
        org={"id": "COM1", "local": ["13"], "vertical": []},
        trace={},
    )
    assert s.exemplar_id == str(e.id)
    with pytest.raises(Invalid):  # not in the future, not from itself
        Study.record(
            exemplar=e,
            learner_type="org",
            learner_id="VIL1",
            form="专题学习",
            on=GRANT,
            today=GRANT,
            by="S",
            org=VIL1,
            trace={},
        )
    e.withdraw("表彰已撤销", VIL1, {})
    with pytest.raises(Refused):
        e.promote("media", "报道", GRANT, "sup", VIL1, {})


grades = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"year": st.integers(2020, 2027), "grade": st.sampled_from(["先进", "一般", "后进"]), "advanced": st.booleans()}
    ),
)
rects = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "year": st.integers(2020, 2027),
            "track": st.sampled_from(["巩固", "推动", "整顿"]),
            "accepted": st.sampled_from([None, 0, 1]),
        }
    ),
)


@given(grades, rects)
def test_a4_org_eligible_iff_recent_top_grade_and_no_open_rectification(grade, rect):
    eligible = (
        grade is not None
        and grade["year"] >= 2025
        and grade["advanced"]
        and not (rect and rect["track"] == "整顿" and rect["accepted"] != 1)
    )
    reasons = org_reasons({"grade": grade, "rectification": rect}, 2026)
    assert (not reasons) == eligible
    assert all(" / " in r for r in reasons)  # Chinese / English


@given(
    st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "year": st.integers(2020, 2027),
                "score": st.floats(0, 100),
                "grade": st.sampled_from(["优秀", "合格", "基本合格", "不合格"]),
            }
        ),
    ),
    st.lists(
        st.fixed_dictionaries(
            {"pledge_id": st.just("p"), "score": st.floats(0, 100), "grade": st.sampled_from(["满意", "不满意"])}
        ),
        max_size=3,
    ),
)
def test_a4_member_needs_a_passing_democratic_result_and_no_failed_pledge(dem, pledges):
    ok_dem = dem is not None and dem["year"] >= 2025 and dem["score"] >= 60 and dem["grade"] != "不合格"
    ok_pledges = all(p["score"] >= 60 and p["grade"] != "不满意" for p in pledges)
    reasons = member_reasons({"democratic": dem, "pledge_evaluations": pledges}, 2026)
    assert (not reasons) == (ok_dem and ok_pledges)
    verdict = assess("member", {"democratic": dem, "pledge_evaluations": pledges}, 2026, {"reason": "r", "by": "b"})
    assert verdict["override"] == (None if verdict["eligible"] else {"reason": "r", "by": "b"})


def test_a3_h3_chain_skips_levels_without_a_leading_org():
    vil1 = ("13", "1301", "130102", "130102001")
    assert leading_chain("local", vil1, ("13",), lambda p: p != "13/1301/130102/130102001") == [
        "local:13/1301/130102",
        "local:13/1301",
        "local:13",
    ]
    assert leading_chain("vertical", ("tax", "13", "1301", "130102"), ("tax", "13"), lambda p: False) == [
        "vertical:tax/13"
    ]
    assert leading_chain("local", ("13",), (), lambda p: True) == ["local:13", "local:*"]


paths = st.lists(st.sampled_from(["13", "1301", "130102", "x1"]), min_size=1, max_size=4).map(tuple)


@given(paths, st.integers(0, 4), st.sets(st.integers(1, 4)))
def test_a3_chain_climbs_strictly_upwards_within_the_campaign(path, cut, leading_depths):
    """Property: every level holds the nominee, lies in the campaign's scope, and each is above the last."""
    campaign_path = path[: min(cut, len(path) - 1)]
    chain = leading_chain("local", path, campaign_path, lambda p: len(p.split("/")) in leading_depths)
    scopes = [Scope.parse(level) for level in chain]
    nominee = Position("N", path)
    campaign = Scope("local", campaign_path)
    assert scopes[-1] == campaign
    assert all(s.contains(nominee) and s.within(campaign) for s in scopes)
    assert all(len(lower.path) > len(upper.path) for lower, upper in zip(scopes, scopes[1:], strict=False))
