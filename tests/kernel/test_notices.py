"""Notices 消息 (issue 13): a service's events become messages to the people they concern — exactly once per
event and recipient (the projection's transaction and checkpoint; a replay adds none and keeps read marks) —
and each caller reads only hers: a member her own, a secretary her org's, an officer those of levels inside
her scopes (H4)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.auth import Identity
from shared.envelope import Envelope
from shared.notices import notices_for
from shared.scope import Scope
from tests.stack import Stack, stores

ITEMS = [{"text": "参加环境整治", "tags": ["带头服务群众"]}]


@pytest.fixture(scope="module", params=stores())
async def stack(request, tmp_path_factory):
    s = await Stack(tmp_path_factory.mktemp("notices"), request.param, services=("pledges", "evaluations")).start()
    yield s
    await s.stop()


async def notices(stack: Stack, headers: dict, service: str = "pledges", **params) -> dict:
    r = await stack.http.get(f"/api/{service}/notices", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def count(stack: Stack, service: str) -> int:
    return stack[service].db.one("SELECT COUNT(*) AS n FROM cxzy_notices")["n"]


async def test_a_returned_pledge_notifies_its_pledger_only_and_once(stack):
    http, sec, m1 = stack.http, stack.secretary("VIL1"), stack.member("M1", "VIL1")
    body = {"org_id": "VIL1", "pledger_kind": "individual", "member_ids": ["M1"], "kind": "annual", "items": ITEMS}
    pid = (await http.post("/api/pledges/pledges", json=body, headers=m1)).json()["pledge_id"]
    r = await http.post(f"/api/pledges/pledges/{pid}/return", json={"reasons": "请写明完成时限"}, headers=sec)
    assert r.status_code == 200, r.text
    await stack.settle()

    mine = await notices(stack, m1)
    assert mine["total"] == 1
    notice = mine["items"][0]
    assert notice["recipient"] == "member:M1" and notice["event_type"] == "returned" and notice["href"] == "/ws/pledges"
    assert "退回修改" in notice["text"] and "请写明完成时限" in notice["text"] and "张伟" not in notice["text"]
    assert notice["read_at"] is None
    assert (await notices(stack, stack.member("M2", "VIL1")))["total"] == 0  # not hers
    assert (await notices(stack, sec))["total"] == 0  # a member's pledge: the secretary is not its pledger

    # read: only by its recipient; another member gets a 404 in Chinese, and nothing changes
    r = await http.post(f"/api/pledges/notices/{notice['id']}/read", headers=stack.member("M2", "VIL1"))
    assert r.status_code == 404 and "请从消息列表中选择" in r.json()["title_zh"]
    assert (await notices(stack, m1, unread="true"))["total"] == 1
    r = await http.post(f"/api/pledges/notices/{notice['id']}/read", headers=m1)
    assert r.status_code == 200 and r.json()["read_at"]
    assert (await notices(stack, m1, unread="true"))["total"] == 0

    # approved after revision: a second notice, newest first
    await http.post(f"/api/pledges/pledges/{pid}/revise", json={"items": ITEMS, "due": "2099-12-31"}, headers=m1)
    await http.post(f"/api/pledges/pledges/{pid}/approve", headers=sec)
    await stack.settle()
    mine = await notices(stack, m1)
    assert [n["event_type"] for n in mine["items"]] == ["approved", "returned"]
    assert [n["event_type"] for n in (await notices(stack, m1, limit=1, offset=1))["items"]] == ["returned"]

    # a replay from sequence 1 adds no notice and keeps the read mark (stable ids, insert-if-new)
    rt, before = stack["pledges"], count(stack, "pledges")
    rt.runner("notices").reset()
    await rt.stop()
    await rt.start(stack.nats.url)
    await rt.settle()
    assert count(stack, "pledges") == before == 2
    assert rt.db.one("SELECT COUNT(*) AS n FROM cxzy_parked")["n"] == 0  # nothing refused on the way
    assert (await notices(stack, m1, unread="true"))["total"] == 1  # the approval; the return stays read


async def test_an_org_pledge_reminded_notifies_the_secretary(stack):
    http, sec = stack.http, stack.secretary("VIL1")
    rt = stack["pledges"]
    due = rt.app.today() + dt.timedelta(days=1)
    body = {"org_id": "VIL1", "pledger_kind": "org", "kind": "adhoc", "trigger": "防汛", "items": ITEMS}
    pid = (await http.post("/api/pledges/pledges", json={**body, "due": due.isoformat()}, headers=sec)).json()[
        "pledge_id"
    ]
    await http.post(f"/api/pledges/pledges/{pid}/approve", headers=sec)
    await stack.settle()
    rt.app.today = lambda: due + dt.timedelta(days=4)
    try:
        await rt.run_jobs_once()
    finally:
        del rt.app.today
    await stack.settle()
    items = (await notices(stack, sec))["items"]
    reminder = next(n for n in items if n["event_type"] == "reminded")
    assert reminder["recipient"] == "org:VIL1" and "督促" in reminder["text"] and "4 天" in reminder["text"]
    assert reminder["href"] == "/ws/ledger"
    assert (await notices(stack, stack.secretary("COM1")))["total"] == 0  # another org's secretary


async def test_a_democratic_round_notifies_everyone_who_may_rate(stack):
    today = dt.datetime.now(dt.UTC).date()
    body = {
        "year": today.year,
        "modes": {"self": 20, "peer": 50, "leader": 30},
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=7)).isoformat(),
        "min_participation": 0.5,
        "publish": True,
    }
    r = await stack.http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=stack.secretary("VIL1"))
    assert r.status_code == 201, r.text
    await stack.settle()
    # five rounds (M1–M5): each member rates herself once and her four fellows; the secretary comments on five
    m2 = (await notices(stack, stack.member("M2", "VIL1"), "evaluations"))["items"]
    assert len(m2) == 5 and {n["href"] for n in m2} == {"/ws/ratings"}
    assert sorted(n["about"] for n in m2) == ["M1", "M2", "M3", "M4", "M5"]
    assert sum("个人自评" in n["text"] for n in m2) == 1 and all(body["end"] in n["text"] for n in m2)
    assert (await notices(stack, stack.secretary("VIL1"), "evaluations"))["total"] == 5
    assert (await notices(stack, stack.member("M6", "COM1"), "evaluations"))["total"] == 0
    assert count(stack, "evaluations") == 5 * 5 + 5


async def test_officers_read_the_levels_inside_their_scopes(stack):
    db = stack["pledges"].db
    with db.transaction() as tx:
        for i, level in enumerate(["local:13/1301/130102", "local:13/1301/130104", "vertical:tax/13"]):
            tx.insert(
                "cxzy_notices",
                {
                    "id": f"test-{i}",
                    "event_id": f"e{i}",
                    "event_type": "nominated",
                    "org_id": "VIL1",
                    "recipient": f"scope:{level}",
                    "text": "有一项推荐待本级审议",
                    "href": "/ws/campaigns",
                    "created_at": f"2000-01-0{i + 1}T00:00:00+00:00",
                },
            )

    def seen(role: str, *scopes: str) -> list[str]:
        who = Identity("o", role, tuple(Scope.parse(s) for s in scopes))
        return sorted(n["id"] for n in notices_for(db, who, 50, 0)["items"] if n["id"].startswith("test-"))

    assert seen("superior", "local:13/1301/130102") == ["test-0"]
    assert seen("org_admin", "local:13/1301") == ["test-0", "test-1"]  # a city sees its counties' levels
    assert seen("superior", "local:*") == ["test-0", "test-1"]
    assert seen("superior", "local:13/13") == []  # a prefix of a code is not a scope above it
    assert seen("superior", "vertical:tax") == ["test-2"]
    assert seen("auditor", "local:13") == []  # auditors oversee, they decide nothing
    r = await stack.http.get("/api/pledges/notices", headers=stack.token("superior", "c", ["local:13/1301/130102"]))
    assert [n["id"] for n in r.json()["items"] if n["id"].startswith("test-")] == ["test-0"]
    with db.transaction() as tx:
        tx.execute("DELETE FROM cxzy_notices WHERE id LIKE ?", ["test-%"])


async def test_notices_need_a_token_and_sane_paging(stack):
    assert (await stack.http.get("/api/pledges/notices")).status_code == 401
    r = await stack.http.get("/api/pledges/notices?limit=0", headers=stack.member("M1", "VIL1"))
    assert r.status_code == 422 and r.json()["title_zh"]


def awards_event(name: str, data: dict) -> Envelope:
    return Envelope(
        id="e1", source="/cxzy/awards", type=f"cn.cxzy.awards.{name}.v1", subject="n1", time="2026-11-25T00:00:00+00:00",
        dataschema="", orgid="VIL1", localpath="13/1301/130102/130102001", verticalpath="", correlationid="c",
        causationid="c", sequence=1, data=data,
    )  # fmt: skip


def test_award_notices_go_to_the_waiting_level_and_to_the_honoured():
    """A3: a nomination waits at its lowest level, then at the next one; A6: the honoured member or org."""
    from services.awards import notices as rules

    nominated = rules.nominated(awards_event("nominated", {"levels": ["local:13/1301/130102", "local:13/1301"],
                                                             "title": "优秀共产党员"}), None)  # fmt: skip
    assert [(n.to, n.href) for n in nominated] == [("scope:local:13/1301/130102", "/ws/campaigns")]
    assert "「优秀共产党员」推荐待本级审议" in nominated[0].text
    passed = rules.recommended(awards_event("recommended", {"next_level": "local:13/1301"}), None)
    assert [n.to for n in passed] == ["scope:local:13/1301"]
    honour = {"title": "优秀共产党员", "campaign_name": "2026年七一表彰", "nominee_id": "M1"}
    [to_member] = rules.granted(awards_event("granted", {**honour, "nominee_type": "member"}), None)
    [to_org] = rules.granted(awards_event("granted", {**honour, "nominee_type": "org", "nominee_id": "VIL1"}), None)
    assert (to_member.to, to_member.about, to_org.to) == ("member:M1", "M1", "org:VIL1")
    assert "您被授予「优秀共产党员」荣誉称号" in to_member.text and "本组织被授予" in to_org.text
