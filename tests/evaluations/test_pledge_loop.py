"""P7 across two services over a real nats-server and each store: a pledge fulfilled in the pledges service
→ the evaluations service opens its round (一事一评; annual pledges in a yearly batch) → ratings → 评议完成
→ the pledges service shows the result on the pledge in its ledger."""

import datetime as dt

from services.evaluations.application import pledge_round_id
from shared.envelope import Envelope

from .conftest import stream_events, today

ADHOC = {
    "org_id": "VIL1",
    "pledger_kind": "individual",
    "member_ids": ["M1"],
    "kind": "adhoc",
    "trigger": "防汛抢险",
    "items": [{"text": "汛期每日巡查堤坝", "tags": ["带头服务群众"]}],
}
ANNUAL = {
    "org_id": "VIL1",
    "pledger_kind": "individual",
    "member_ids": ["M2"],
    "kind": "annual",
    "items": [{"text": "每季度组织一次政策宣讲", "tags": ["带头学习提高"]}],
}


async def pledge(stack, body: dict, member: str, finish: str | None) -> str:
    http, secretary = stack.http, stack.secretary("VIL1")
    body = body | ({"due": (today() + dt.timedelta(days=30)).isoformat()} if body["kind"] == "adhoc" else {})
    pid = (await http.post("/api/pledges/pledges", json=body, headers=stack.member(member, "VIL1"))).json()["pledge_id"]
    steps = [("approve", None, secretary), ("publicise", {"channel": "公示栏"}, secretary)]
    if finish:
        steps.append((finish, {"summary": "完成"}, stack.member(member, "VIL1")))
    for path, payload, who in steps:
        r = await http.post(f"/api/pledges/pledges/{pid}/{path}", json=payload, headers=who)
        assert r.status_code == 200, r.text
    return pid


async def set_policies(stack) -> None:
    """P7 weights are configurable: the province sets a policy, the city a more specific one."""
    http, app = stack.http, stack["evaluations"].app
    province, city = stack.token("org_admin", "hebei", ["local:13"]), stack.token("superior", "city", ["local:13/1301"])
    for scope, modes, who in [
        ("local:13", {"self": 25, "peer": 25, "mass": 25, "leader": 25}, province),
        ("local:13/1301", {"self": 0.1, "peer": 0.4, "leader": 0.5}, city),
    ]:
        r = await http.put(
            "/api/evaluations/pledge-policies",
            headers=who,
            json={"scope": scope, "modes": modes, "period_days": 10, "min_participation": 0.6},
        )
        assert r.status_code == 200 and r.json()["policy"] == f"{scope}@1", r.text
    before = app.recorder.max_notification_id()
    for body, who, status in [
        ({"scope": "local:13", "modes": {"self": 1}, "period_days": 10, "min_participation": 0.5}, city, 403),
        ({"scope": "local:13/1301", "modes": {"self": 0.7}, "period_days": 10, "min_participation": 0.5}, city, 422),
        ({"scope": "local:13/1301", "modes": {"self": 1}, "period_days": 0, "min_participation": 0.5}, city, 422),
        (
            {"scope": "local:13/1301", "modes": {"self": 1}, "period_days": 9, "min_participation": 0.5},
            stack.secretary("VIL1"),
            403,
        ),
    ]:
        r = await http.put("/api/evaluations/pledge-policies", json=body, headers=who)
        assert r.status_code == status and r.json()["title_zh"], r.text
    assert app.recorder.max_notification_id() == before
    r = await http.get("/api/evaluations/orgs/VIL2/pledge-policy", headers=stack.secretary("VIL2"))
    assert r.json()["policy"] == "local:13@1"  # Tangshan (1302) falls back to the province's


async def test_p7_adhoc_pledge_is_evaluated_automatically_and_the_result_shows_on_the_pledge(stack):
    http, evals, secretary = stack.http, stack["evaluations"], stack.secretary("VIL1")
    await set_policies(stack)
    adhoc = await pledge(stack, ADHOC, "M1", "complete")
    annual = await pledge(stack, ANNUAL, "M2", None)  # publicised, in the ledger, not yet due for its round
    await stack.settle()
    await evals.run_jobs_once()  # the scheduler turns the queued pledge into its round (一事一评)
    await stack.settle()

    round_id = str(pledge_round_id(adhoc))
    r = await http.get(f"/api/evaluations/rounds/{round_id}", headers=secretary)
    assert r.status_code == 200, r.text
    opened = r.json()
    assert (opened["subject_type"], opened["subject_id"], opened["purpose"], opened["state"]) == (
        "pledge",
        adhoc,
        "pledge",
        "open",
    )
    assert opened["modes"] == {"self": 0.1, "peer": 0.4, "leader": 0.5} and opened["policy"] == "local:13/1301@1"
    assert opened["eligible"] == 5 and opened["min_participation"] == 0.6  # VIL1's members; the city's 参与面
    assert (dt.date.fromisoformat(opened["end"]) - dt.date.fromisoformat(opened["start"])).days == 10
    assert (await http.get(f"/api/evaluations/rounds/{pledge_round_id(annual)}", headers=secretary)).status_code == 404

    # the round's event is caused by the pledge's 践诺完成 and shares its correlation
    completed_pledge = [
        Envelope.from_message(m.headers, m.data)
        for m in await stream_events(evals.js, "cxzy.pledges.completed.>", stream="CXZY_PLEDGES")
    ]
    [round_opened] = [
        Envelope.from_message(m.headers, m.data) for m in await stream_events(evals.js, "cxzy.evaluations.opened.>")
    ]
    assert round_opened.subject == round_id and round_opened.orgid == "VIL1"
    assert round_opened.causationid == completed_pledge[0].id
    assert round_opened.correlationid == completed_pledge[0].correlationid

    # a second scheduler run opens nothing twice
    before = evals.app.recorder.max_notification_id()
    await evals.run_jobs_once()
    assert evals.app.recorder.max_notification_id() == before

    # 自评 by the pledger, 互评 by a fellow member, 点评 by the secretary: 3/5 ≥ 60 % → close
    for who, mode, score in [
        (stack.member("M1", "VIL1"), "self", 95),
        (stack.member("M2", "VIL1"), "peer", 85),
        (secretary, "leader", 90),
    ]:
        r = await http.post(
            f"/api/evaluations/rounds/{round_id}/ratings", json={"mode": mode, "score": score}, headers=who
        )
        assert r.status_code == 200, r.text
    r = await http.post(f"/api/evaluations/rounds/{round_id}/close", headers=secretary)
    assert r.status_code == 200, r.text
    r = await http.get(f"/api/evaluations/rounds/{round_id}", headers=stack.member("M1", "VIL1"))
    assert r.status_code == 200 and r.json()["state"] == "completed"  # fed back to the pledger (E6)
    expected_score = 0.1 * 95 + 0.4 * 85 + 0.5 * 90
    assert r.json()["score"] == expected_score
    await stack.settle()

    ledger = (await http.get("/api/pledges/orgs/VIL1/ledger", headers=secretary)).json()["items"]
    shown = {row["pledge_id"]: row["evaluation"] for row in ledger}
    assert shown[adhoc] == {
        "round_id": round_id,
        "score": expected_score,
        "grade": "合格",
        "participation": {"eligible": 5, "participated": 3, "rate": 0.6},
        "published": True,
    }
    assert shown[annual] is None

    # annual pledges: the org's yearly batch queues them, the next run opens their rounds (P7)
    r = await http.post("/api/evaluations/orgs/VIL1/pledge-rounds", json={"year": today().year}, headers=secretary)
    assert r.status_code == 202 and r.json()["queued"] == 1
    r = await http.post(
        "/api/evaluations/orgs/VIL1/pledge-rounds", json={"year": today().year}, headers=stack.member("M1", "VIL1")
    )
    assert r.status_code == 403
    await evals.run_jobs_once()
    r = await http.get(f"/api/evaluations/rounds/{pledge_round_id(annual)}", headers=secretary)
    assert r.status_code == 200 and r.json()["subject_id"] == annual
