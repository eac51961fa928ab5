"""Branch life's aggregates, rule by rule (B1, B2, B5): every refusal records nothing."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from services.branches.domain import Institution, Summary, SummaryCall
from shared.errors import Invalid, Problem, Refused

ORG, TRACE = {"org_id": "VIL1", "local": ["13"], "vertical": []}, {}
TODAY = dt.date(2026, 3, 1)


@contextlib.contextmanager
def refused(kind: type[Problem], zh: str):
    """The command is refused with ``kind`` and a Chinese sentence containing ``zh``."""
    with pytest.raises(kind) as caught:
        yield
    assert zh in caught.value.title_zh, caught.value.title_zh


def draft(**overrides) -> Institution:
    body = dict(
        org_id="VIL1",
        number=1,
        domain="农村",
        title="党员联系农户制度",
        focus=["带领群众致富"],
        goal="每名党员联系 5 户群众",
        content="每月走访一次，记录诉求并限时办结",
        measures=["建立联系台账", "每季度支部会议通报"],
        by="S-VIL1",
        org=ORG,
        trace=TRACE,
    )
    return Institution.draft(**{**body, **overrides})


def test_b1_the_focus_comes_from_the_domains_list_and_the_body_is_concrete():
    with refused(Invalid, "重点"):
        draft(focus=["提高服务效能"])  # a window unit's focus, not a village's
    with pytest.raises(Invalid):
        draft(measures=[])
    assert draft().state == "drafting"


def test_b1_adopted_only_after_discussion_asking_the_masses_and_answering_them():
    i = draft()
    with refused(Refused, "党员讨论、征求群众意见"):
        i.adopt(TODAY, 10, 12, "S-VIL1", ORG, TRACE)
    i.discuss("M1", "建议增加对困难户的帮扶内容", ORG, TRACE)
    i.solicit(TODAY + dt.timedelta(days=10), TODAY, ORG, TRACE)
    number = i.receive("希望走访时间放在晚上", TODAY)
    pending = len(i.pending_events)
    with refused(Refused, f"答复第 {number} 条"):
        i.adopt(TODAY, 10, 12, "S-VIL1", ORG, TRACE)
    assert len(i.pending_events) == pending  # refused: nothing recorded
    i.answer(number, "已采纳，走访安排在晚饭后", ORG, TRACE)
    with pytest.raises(Invalid):
        i.adopt(TODAY, 13, 12, "S-VIL1", ORG, TRACE)  # more attending than members
    i.adopt(TODAY, 10, 12, "S-VIL1", ORG, TRACE)
    assert i.state == "adopted"


def test_b1_published_is_the_adopted_version_and_a_revision_keeps_the_history():
    i = draft()
    with refused(Refused, "通过"):
        i.publish("notice_board", "2026-03-01", TODAY, ORG, TRACE)
    i.discuss("M1", "同意", ORG, TRACE)
    i.solicit(TODAY, TODAY, ORG, TRACE)
    i.adopt(TODAY, 10, 12, "S-VIL1", ORG, TRACE)
    i.publish("notice_board", "2026-03-01", TODAY, ORG, TRACE)
    assert i.state == "published" and i.published_version == 1
    with pytest.raises(Refused):
        i.discuss("M2", "晚了", ORG, TRACE)  # a published version is not discussed again
    i.revise(
        "农村",
        "党员联系农户制度",
        ["带领群众致富"],
        "每名党员联系 8 户",
        "…",
        ["台账"],
        "群众评议建议扩大联系面",
        "S-VIL1",
        ORG,
        TRACE,
    )
    assert (i.edition, i.state, i.published_version) == (2, "drafting", 1)  # v1 stays published until v2 is
    assert not i.discussed_by and not i.solicited  # the new version is made democratically again


def test_b2_assessment_needs_a_published_institution_and_a_grade_of_the_scale():
    i = draft()
    with pytest.raises(Refused):
        i.assess("2026 上半年", "好", "", "county", ORG, TRACE)


def test_b5_a_summary_has_the_calls_minimum_length_and_is_returned_and_resubmitted():
    call = SummaryCall.issue(
        scope="local:13/1301/130102",
        year=2026,
        deadline=TODAY + dt.timedelta(days=30),
        min_length=50,
        issuer_org_id="P130102",
        by="county",
        today=TODAY,
        org=ORG,
        trace=TRACE,
    )
    with refused(Invalid, "不少于 50 字"):
        Summary.submit(
            call=call,
            author_kind="member",
            author_id="M1",
            org_id="VIL1",
            text="太短",
            by="M1",
            today=TODAY,
            org=ORG,
            trace=TRACE,
        )
    s = Summary.submit(
        call=call,
        author_kind="member",
        author_id="M1",
        org_id="VIL1",
        text="创" * 60,
        by="M1",
        today=TODAY,
        org=ORG,
        trace=TRACE,
    )
    with pytest.raises(Refused):
        s.resubmit(call, "争" * 60, "M1", TODAY, ORG, TRACE)  # not returned
    s.send_back("请补充联系群众的具体事例", "county", ORG, TRACE)
    late = TODAY + dt.timedelta(days=40)
    s.resubmit(call, "争" * 60, "M1", late, ORG, TRACE)
    assert not s.returned and s.pending_events[-1].on_time is False
