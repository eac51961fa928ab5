"""专题组织生活会 (B3, B4) over real HTTP, a real nats-server and each store: held only after the five
preparation steps and with every leading cadre of the branch attending or excused (双重组织生活); concluded only
when each attending member has made a self-criticism, been commented on and set measures; the words stay in the
write model (a member reads her own, a fellow member none, a superior all) and never reach the bus."""

from __future__ import annotations

from shared.audit import verify_stream

from ..evaluations.conftest import stream_events
from ..stack import Stack

BASE = "/api/branches/orgs/VIL1/meetings/2026"
STEPS = ("study", "look_back", "hearing", "institution", "summary")


async def call(stack: Stack, path: str, body: dict | None, who: dict, status: int = 200) -> dict:
    r = await stack.http.post(f"{BASE}{path}", json=body, headers=who)
    assert r.status_code == status, r.text
    return r.json()


async def test_b3_b4_the_special_organisational_life_meeting(tmp_path, store):
    stack = await Stack(tmp_path, store, services=("branches",)).start()
    try:
        sec = stack.secretary("VIL1")
        m1, m2 = stack.member("M1", "VIL1"), stack.member("M2", "VIL1")  # M1 is a leading cadre
        for step in STEPS[:4]:
            await call(stack, "/steps", {"step": step, "on": "2026-11-20", "note": "已完成"}, sec)
        early = await call(stack, "/held", {"held_on": "2026-11-28", "attending": ["M2", "M3"]}, sec, 409)
        assert "撰写一篇活动总结" in early["title_zh"]
        await call(stack, "/steps", {"step": "summary", "on": "2026-11-25"}, sec)
        await call(stack, "/feedback", {"member_id": "M2", "opinions": "群众反映走访次数偏少"}, sec)
        absent = await call(stack, "/held", {"held_on": "2026-11-28", "attending": ["M2", "M3"]}, sec, 409)
        assert "M1" in absent["title_zh"] and "双重组织生活" in absent["title_zh"]
        stranger = await call(stack, "/held", {"held_on": "2026-11-28", "attending": ["M1", "M6"]}, sec, 422)
        assert "M6" in stranger["title_zh"]
        held = await call(stack, "/held", {"held_on": "2026-11-28", "attending": ["M1", "M2"]}, sec)
        assert held["state"] == "held"

        await call(stack, "/members/M2/self-criticism", {"text": "联系群众不够经常，今后每月走访"}, m2)
        refused = await stack.http.post(f"{BASE}/members/M1/self-criticism", json={"text": "代写"}, headers=m2)
        assert refused.status_code == 403  # a member records only her own
        assert (
            await stack.http.post(f"{BASE}/members/M2/comment", json={"comment": "好"}, headers=m2)
        ).status_code == 403
        await call(stack, "/members/M2/comment", {"comment": "肯定成绩，走访要形成制度"}, sec)
        await call(stack, "/members/M2/measures", {"measures": ["每月走访联系户两次"]}, m2)
        incomplete = await call(stack, "/conclusion", None, sec, 409)
        assert "M1" in incomplete["title_zh"]
        await call(stack, "/members/M1/self-criticism", {"text": "双重组织生活参加不够"}, m1)
        await call(stack, "/members/M1/comment", {"comment": "要带头"}, sec)
        await call(stack, "/members/M1/measures", {"measures": ["每季度到联系村讲党课"]}, sec)
        done = await call(stack, "/conclusion", None, sec)
        assert done["state"] == "concluded"

        own = (await stack.http.get(BASE, headers=m2)).json()
        mine = next(x for x in own["members"] if x["member_id"] == "M2")
        assert mine["self_criticism"].startswith("联系群众") and mine["opinions"] == "群众反映走访次数偏少"
        assert "self_criticism" not in next(x for x in own["members"] if x["member_id"] == "M1")  # not hers
        county = stack.token("superior", "county", ["local:13/1301/130102"])
        seen = (await stack.http.get(BASE, headers=county)).json()
        assert all("comment" in x for x in seen["members"])

        await stack.settle()
        events = await stream_events(stack["branches"].js, "cxzy.branches.>", "CXZY_BRANCHES")
        names = [m.headers["ce-type"].split(".")[3] for m in events]
        assert names.count("meeting_step_recorded") == 5 and "meeting_held" in names and "meeting_concluded" in names
        everything = b"".join(m.data for m in events)
        for words in ("联系群众不够经常", "肯定成绩", "群众反映走访次数偏少"):
            assert words.encode() not in everything  # no one's words on the bus
        assert "每月走访联系户两次".encode() in everything  # the measures are published (they may become pledges)

        # the audit tooling covers the fifth stream as any other: a signed checkpoint, the chain and the tree verify
        assert await stack["branches"].auditor.maybe_checkpoint(force=True) is not None
        verdict = await verify_stream(stack.settings, "branches")
        assert verdict["ok"] is True and verdict["checked"] == len(events), verdict
    finally:
        await stack.stop()
