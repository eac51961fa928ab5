"""The Pledge aggregate, rule by rule (DOMAIN.md P1–P6, P12). No I/O."""

import datetime as dt

import pytest

from services.pledges.domain import FIVE_LEADS, OrgPledgeBook, Pledge
from shared.errors import Invalid, Refused

ORG = {"id": "VIL1", "local": ["13", "1301", "130102", "130102001"], "vertical": []}
TODAY = dt.date(2026, 3, 1)
ITEM = [{"text": "带头学习党章", "tags": ["带头学习提高"]}]


def propose(**overrides) -> Pledge:
    args = dict(
        org=ORG,
        trace={},
        pledger_kind="individual",
        member_ids=["M1"],
        kind="annual",
        year=2026,
        items=ITEM,
        due=None,
        trigger=None,
        masses=None,
        post="网格员",
        host_org=None,
        leading=False,
        exempt_members=[],
        supports=None,
        today=TODAY,
    )
    args.update(overrides)
    return Pledge.propose(**args)


def publicised() -> Pledge:
    p = propose()
    p.approve("S", ORG, {})
    p.publicise("公示栏", ORG, {})
    return p


def test_p1_pledger_kinds_name_the_right_members():
    assert propose(pledger_kind="collective", member_ids=["M1", "M2"]).pledger_kind == "collective"
    assert propose(pledger_kind="org", member_ids=[]).pledger_kind == "org"
    with pytest.raises(Invalid):
        propose(pledger_kind="collective", member_ids=["M1"])  # a group is two or more
    with pytest.raises(Invalid):
        propose(pledger_kind="with_masses", member_ids=["M1"])  # says which masses join
    assert propose(pledger_kind="with_masses", masses="村民代表10人").pledger_kind == "with_masses"
    with pytest.raises(Invalid):
        propose(pledger_kind="org", member_ids=["M1"])


def test_p2_annual_due_at_year_end_and_adhoc_carries_its_trigger():
    assert propose().due == "2026-12-31"
    with pytest.raises(Invalid):
        propose(kind="adhoc", due=dt.date(2026, 4, 1))  # no trigger
    adhoc = propose(kind="adhoc", trigger="防汛抢险", due=dt.date(2026, 4, 1))
    assert adhoc.kind == "adhoc" and adhoc.due == "2026-04-01"
    with pytest.raises(Invalid):
        propose(kind="annual", due=dt.date(2027, 1, 5))
    with pytest.raises(Invalid):
        propose(kind="adhoc", trigger="x", due=dt.date(2026, 2, 1))  # in the past


@pytest.mark.parametrize("tags", [[], ["带头发财致富"], ["带头学习提高", "unknown"]])
def test_p3_every_item_is_tagged_with_the_five_leads(tags):
    with pytest.raises(Invalid):
        propose(items=[{"text": "x", "tags": tags}])


def test_p3_all_five_leads_are_accepted():
    assert len(propose(items=[{"text": t, "tags": [t]} for t in FIVE_LEADS]).items) == 5


def test_p4_review_return_revise_approve():
    p = propose()
    p.return_for_revision("承诺内容不够具体", ORG, {})
    assert (p.state, p.return_reasons) == ("returned", "承诺内容不够具体")
    p.revise([{"text": "每月走访困难群众两次", "tags": ["带头服务群众"]}], None, ORG, {})
    assert p.state == "proposed"
    p.approve("S", ORG, {})
    assert p.state == "approved"


def test_p5_only_approved_is_publicised_and_only_publicised_is_fulfilled():
    p = propose()
    for refused in (
        lambda: p.publicise("公示栏", ORG, {}),
        lambda: p.report_progress("x", [], ORG, {}),
        lambda: p.complete("x", ORG, {}),
        lambda: p.mark_unfulfilled("x", ORG, {}),
    ):
        with pytest.raises(Refused):
            refused()
    assert p.version == 1  # nothing was recorded
    p.approve("S", ORG, {})
    with pytest.raises(Refused):
        p.complete("x", ORG, {})
    with pytest.raises(Invalid):
        p.publicise("朋友圈", ORG, {})  # not a P4 channel
    p.publicise("支部党员大会", ORG, {})
    p.report_progress("进展", ["evidence.pdf"], ORG, {})
    p.complete("完成", ORG, {})
    with pytest.raises(Refused):
        p.approve("S", ORG, {})  # no way back
    with pytest.raises(Refused):
        p.mark_unfulfilled("x", ORG, {})


def test_p4_supervision_reminds_overdue_pledges_once_per_interval():
    p = publicised()
    with pytest.raises(Refused):
        p.remind(dt.date(2026, 12, 31), 7, ORG, {})  # not overdue yet
    p.remind(dt.date(2027, 1, 3), 7, ORG, {})
    assert p.last_reminded == "2027-01-03"
    with pytest.raises(Refused):
        p.remind(dt.date(2027, 1, 5), 7, ORG, {})  # reminded recently
    p.remind(dt.date(2027, 1, 10), 7, ORG, {})
    p.complete("迟到的完成", ORG, {})
    with pytest.raises(Refused):
        p.remind(dt.date(2027, 2, 10), 7, ORG, {})  # closed pledges are not reminded


def test_p6_posts_are_set_in_the_org_book():
    book = OrgPledgeBook.open("VIL1", ORG, {})
    book.assign_post("M3", "环境卫生监督岗", "每周巡查", ORG, {})
    assert book.posts == {"M3": "环境卫生监督岗"}
    assert OrgPledgeBook.id_for("VIL1") == book.id
    with pytest.raises(Invalid):
        book.assign_post("M3", "", "x", ORG, {})
