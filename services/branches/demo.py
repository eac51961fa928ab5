"""Branch life in the demo (``make run``): in the demo township, most branches have published a 创先争优
institution and one has none yet (so the 汇总表 has something to point at); the county has called for the year's
活动总结 and some branches and members have submitted theirs; the demo branch has held its 专题组织生活会. Made through the application's own commands, once."""

from __future__ import annotations

import datetime as dt

from shared.auth import Identity
from shared.demo import DEMO_ORG, DEMO_TOWNSHIP
from shared.scope import Scope

from .application import BranchesApp
from .domain import FOCUS, call_id
from .meeting import STEPS
from .queries import branches_in

COUNTY = "local:13/1301/130102"
WITHOUT = "C"  # the township's community branch has none yet


def seed(app: BranchesApp) -> int:
    """Returns how many institutions it published (0 when the demo already has them)."""
    directory = app.directory
    branches = branches_in(directory, Scope.parse(DEMO_TOWNSHIP))
    today = app.today()
    if app.exists(call_id(COUNTY, today.year)):
        return 0
    if len(branches) < 6 or not all(directory.members_of(o.org_id) for o in branches):
        raise RuntimeError("the directory replica has not caught up with the demo directory yet")
    published = 0
    for org in branches:
        if org.org_id.endswith(WITHOUT) or not FOCUS.get(org.domain):
            continue
        secretary = Identity(sub=f"S-{org.org_id}", role="secretary", org=org.org_id)
        members = directory.members_of(org.org_id)
        i = app.draft(
            secretary,
            org.org_id,
            f"{org.name}创先争优承诺践诺制度",
            list(FOCUS[org.domain][:2]),
            "把创先争优落实到每名党员的岗位上，年底人人有实绩",
            "每名党员年初结合岗位公开承诺，支部每季度检查践诺情况，年底在支部党员大会上述诺、群众评诺。",
            ["年初公开承诺并在党务公开栏公示", "每季度支部委员会检查践诺情况", "年底组织群众评议并通报结果"],
        )
        if members:
            app.discuss(
                Identity(sub=members[0].member_id, role="member", org=org.org_id), i.id, "建议把联系服务群众写进措施"
            )
        app.solicit(secretary, i.id, today + dt.timedelta(days=7))
        app.receive_opinion(i.id, "希望承诺内容多和群众的实际需要挂钩")
        app.answer(secretary, i.id, 1, "已采纳：承诺前先征求联系户意见")
        app.adopt(secretary, i.id, today, max(1, len(members) - 2), max(1, len(members)))
        app.publish(secretary, i.id, "notice_board")
        published += 1
    county = Identity(sub="orgdept-130102", role="org_admin", scopes=(Scope.parse(COUNTY),))
    call = app.issue_call(county, COUNTY, today.year, today + dt.timedelta(days=30), 200, "P130102")
    text = "本年度支部围绕创先争优，组织党员公开承诺、定期践诺、年底评诺，" * 10
    for org in branches[:2]:
        app.submit(Identity(sub=f"S-{org.org_id}", role="secretary", org=org.org_id), call.id, "org", org.org_id, text)
        for m in directory.members_of(org.org_id)[:2]:
            member_text = "我今年结合岗位作出承诺并按季度践诺，走访联系户，帮助解决实际困难，" * 8
            app.submit(
                Identity(sub=m.member_id, role="member", org=org.org_id), call.id, "member", org.org_id, member_text
            )
    meeting(app, DEMO_ORG, today)
    return published


def meeting(app: BranchesApp, org_id: str, today: dt.date) -> None:
    """One 专题组织生活会 (B3, B4), prepared, held and concluded."""
    secretary = Identity(sub=f"S-{org_id}", role="secretary", org=org_id)
    for step in STEPS:
        app.record_step(secretary, org_id, today.year, step, today, "已按要求完成")
    members = [m.member_id for m in app.directory.members_of(org_id) if m.status == "normal"]
    app.hold(secretary, org_id, today.year, today, members, {})
    for member_id in members:
        app.self_criticise(secretary, org_id, today.year, member_id, "对照承诺检查，联系服务群众还不够经常。")
        app.comment(secretary, org_id, today.year, member_id, "肯定成绩，希望在联系服务群众上再下功夫。")
        app.set_measures(secretary, org_id, today.year, member_id, ["每月走访联系户两次"])
    app.conclude(secretary, org_id, today.year)
