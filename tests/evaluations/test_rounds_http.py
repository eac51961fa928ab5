"""评议 rounds over real HTTP, a real nats-server and each store (E5–E8, H3, H4): opening, rating, the
participation minimum, double votes, bad input, closing by hand and by the scheduler, results by scope,
and scoped subscribers receiving exactly their subtree's 评议完成."""

import datetime as dt

from shared.envelope import Envelope
from shared.scope import Scope

from .conftest import round_body, stream_events, today


async def test_e6_e7_e8_round_story_with_refusals_scheduler_and_scoped_subscribers(stack):
    http, evals = stack.http, stack["evaluations"]
    app = evals.app
    sec_vil1, sec_com1, sec_vil2 = stack.secretary("VIL1"), stack.secretary("COM1"), stack.secretary("VIL2")
    county = stack.token("superior", "county", ["local:13/1301/130102"])
    tax = stack.token("superior", "tax13", ["vertical:tax/13"])

    # E7 民主评议党员: one command, one round per member of VIL1 (5 members), idempotent
    body = {
        k: v
        for k, v in round_body("member", "-", "democratic").items()
        if k in ("year", "modes", "start", "end", "min_participation", "publish")
    }
    r = await http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=sec_vil1)
    assert r.status_code == 201, r.text
    rounds = {x["subject_id"]: x for x in r.json()["rounds"]}
    assert sorted(rounds) == ["M1", "M2", "M3", "M4", "M5"] and {x["eligible"] for x in rounds.values()} == {5}
    before = app.recorder.max_notification_id()
    again = await http.post("/api/evaluations/orgs/VIL1/democratic", json=body, headers=sec_vil1)
    assert {x["round_id"] for x in again.json()["rounds"]} == {x["round_id"] for x in rounds.values()}
    assert app.recorder.max_notification_id() == before  # opening existing rounds is a no-op

    await stack.settle()
    r = await http.get(
        "/api/evaluations/orgs/VIL1/rounds", params={"state": "open"}, headers=stack.member("M2", "VIL1")
    )
    assert sorted(i["subject_id"] for i in r.json()["items"]) == ["M1", "M2", "M3", "M4", "M5"]  # what M2 can rate
    r = await http.get("/api/evaluations/orgs/VIL1/rounds", headers=stack.member("M6", "COM1"))
    assert r.status_code == 403
    m1 = rounds["M1"]["round_id"]
    url = f"/api/evaluations/rounds/{m1}"
    for who, mode, score in [(stack.member("M1", "VIL1"), "self", 90), (stack.member("M2", "VIL1"), "peer", 80)]:
        r = await http.post(f"{url}/ratings", json={"mode": mode, "score": score}, headers=who)
        assert r.status_code == 200, r.text

    # bad input and illegal actions are refused with problem+json and record nothing (E5, E6, H3)
    before = app.recorder.max_notification_id()
    refusals = [
        (f"{url}/ratings", {"mode": "peer", "score": 70}, stack.member("M2", "VIL1"), 409, "double-vote"),
        (f"{url}/ratings", {"mode": "peer", "score": 101}, stack.member("M3", "VIL1"), 422, "invalid-input"),
        (f"{url}/ratings", {"mode": "peer", "score": 70, "extra": 1}, stack.member("M3", "VIL1"), 422, "invalid-input"),
        (f"{url}/ratings", {"mode": "self", "score": 70}, stack.member("M2", "VIL1"), 403, "forbidden"),
        (f"{url}/ratings", {"mode": "peer", "score": 70}, stack.member("M1", "VIL1"), 403, "forbidden"),
        (f"{url}/ratings", {"mode": "peer", "score": 70}, stack.member("M6", "COM1"), 403, "forbidden"),
        (f"{url}/ratings", {"mode": "mass", "score": 70}, stack.member("M3", "VIL1"), 403, "forbidden"),
        (f"{url}/close", None, sec_vil1, 409, "participation-not-met"),  # 2 of 5 < 50 %
        (f"{url}/close", None, sec_com1, 403, "forbidden"),
        (
            "/api/evaluations/rounds",
            round_body("member", "M1", "democratic", modes={"self": 0.5}),
            sec_vil1,
            422,
            "round-weights",
        ),
        (
            "/api/evaluations/rounds",
            round_body("member", "M1", "democratic", end="2000-01-01"),
            sec_vil1,
            422,
            "round-period",
        ),
        ("/api/evaluations/rounds", round_body("org", "VIL1", "democratic"), sec_vil1, 422, "round-purpose"),
        ("/api/evaluations/rounds", round_body("org", "VIL1", "org_mass", scale={"好": 100}), sec_vil1, 422, "scale"),
        ("/api/evaluations/rounds", round_body("org", "TAXB1", "org_mass"), county, 403, "forbidden"),  # guides (H3)
        ("/api/evaluations/rounds", round_body("member", "M6", "democratic"), sec_vil1, 403, "forbidden"),
    ]
    for path, payload, who, status, slug in refusals:
        r = await http.post(path, json=payload, headers=who)
        assert r.status_code == status, (path, payload, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["type"].endswith("/" + slug) and problem["title_zh"] and problem["title_en"], problem
    assert app.recorder.max_notification_id() == before

    # 领导点评 by the county (leading); participation 3/5 ≥ 50 %: the secretary may now close early
    r = await http.post(f"{url}/ratings", json={"mode": "leader", "score": 100}, headers=county)
    assert r.status_code == 200 and r.json()["participation"] == {"eligible": 5, "participated": 3, "rate": 0.6}
    r = await http.post(f"{url}/close", headers=sec_vil1)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["score"], r.json()["grade"]) == (
        "completed",
        88.0,
        "合格",
    )  # 0.2·90 + 0.5·80 + 0.3·100
    # the result is fed back to the subject (E6)
    r = await http.get(url, headers=stack.member("M1", "VIL1"))
    assert r.status_code == 200 and r.json()["grade"] == "合格"

    # E8 党员群众评议 of orgs in three places: COM1 (other county), TAXB1 (mode c: the tax system leads), VIL2
    opened = {}
    for org, who in (("COM1", sec_com1), ("TAXB1", tax), ("VIL2", sec_vil2)):
        r = await http.post(
            "/api/evaluations/rounds",
            json=round_body(
                "org", org, "org_mass", modes={"peer": 60, "leader": 40}, eligible=1, min_participation=1.0
            ),
            headers=who,
        )
        assert r.status_code == 201, r.text
        opened[org] = r.json()["round_id"]
        r = await http.post(
            f"/api/evaluations/rounds/{opened[org]}/ratings",
            json={"mode": "leader", "score": 95},
            headers=tax if org == "TAXB1" else stack.secretary(org),
        )
        assert r.status_code == 200, r.text
    # a VIL1 round nobody rates lapses when the scheduler runs after its end date; the rest complete
    await stack.settle()  # the scheduler reads due rounds from the read model
    app.today = lambda: today() + dt.timedelta(days=8)
    try:
        await evals.run_jobs_once()
    finally:
        del app.today
    await stack.settle()
    states = {
        row["subject_id"]: row["state"]
        for row in (
            await http.get(
                "/api/evaluations/results",
                params={"scope": "local:13", "limit": 50},
                headers=stack.token("org_admin", "hebei", ["local:13"]),
            )
        ).json()["items"]
    }
    assert states == {
        "M1": "completed",
        "M2": "lapsed",
        "M3": "lapsed",
        "M4": "lapsed",
        "M5": "lapsed",
        "COM1": "completed",
        "TAXB1": "completed",
        "VIL2": "completed",
    }

    # H4: results by scope; a scope outside the caller's is refused
    r = await http.get(
        "/api/evaluations/results", params={"scope": "local:13/1301/130102", "state": "completed"}, headers=county
    )
    items = r.json()["items"]
    assert sorted(i["subject_id"] for i in items) == ["M1", "TAXB1"]
    taxb1 = next(i for i in items if i["subject_id"] == "TAXB1")
    assert (taxb1["score"], taxb1["grade"], taxb1["modes"]["leader"]["count"]) == (95.0, "优秀", 1)
    r = await http.get("/api/evaluations/results", params={"scope": "local:13/1302"}, headers=county)
    assert r.status_code == 403
    # the member sees their own results fed back (E6, E7); another org's member does not
    r = await http.get("/api/evaluations/members/M1/results", headers=stack.member("M1", "VIL1"))
    assert [(i["state"], i["grade"]) for i in r.json()["items"]] == [("completed", "合格")]
    r = await http.get("/api/evaluations/members/M1/results", headers=stack.member("M6", "COM1"))
    assert r.status_code == 403

    # scoped subscribers receive exactly their subtree's 评议完成 (and every message is the contract)
    for scope, expected in [
        ("local:13/1301/130102", {"VIL1", "TAXB1"}),
        ("local:13/1301/130104", {"COM1"}),
        ("vertical:tax", {"TAXB1"}),
        ("local:13", {"VIL1", "COM1", "TAXB1", "VIL2"}),
    ]:
        msgs = await stream_events(evals.js, Scope.parse(scope).filter_subject("evaluations", "completed"))
        envs = [Envelope.from_message(m.headers, m.data) for m in msgs]
        assert {e.orgid for e in envs} == expected, scope
        for e in envs:
            evals.spec.contract.validate(e)
            assert e.type == "cn.cxzy.evaluations.completed.v1" and e.subject == e.data["round_id"]
    all_completed = await stream_events(evals.js, "cxzy.evaluations.completed.>")
    assert len(all_completed) == 4
