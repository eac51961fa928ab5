"""Who decides (H3) for all three management modes (H2), bad input changing nothing, and two
determinations racing for one cycle's G5 tally — over real HTTP, a real nats-server and each store.

    mode a  VIL1   长安区 leads (territorial cycle); another county neither leads nor guides
    mode b  BANK1  桥西区 leads (territorial cycle); the bank's vertical system only guides
    mode c  TAXB1  the tax system leads (vertical cycle); 长安区 only guides, and its cycle does not cover it
"""

import copy
from uuid import UUID

from .bus import EvaluationsFeed
from .schemes import make_scheme, points

C102, C104, TAX, ICBC = "local:13/1301/130102", "local:13/1301/130104", "vertical:tax/13", "vertical:icbc/13"


async def test_h3_only_the_leading_superior_decides_and_bad_input_records_nothing(gstack):
    http, app = gstack.http, gstack["grading"].app
    dept = {s: gstack.token("org_admin", f"dept-{s}", [s]) for s in (C102, C104, TAX)}
    sup = {s: gstack.token("superior", f"sup-{s}", [s]) for s in (C102, C104, TAX, ICBC)}

    async def call(path: str, body: dict | None, who: dict, status: int) -> dict:
        r = await http.post(f"/api/grading{path}", json=body, headers=who)
        assert r.status_code == status, r.text
        return r.json()

    scheme = make_scheme()
    cycles = {}
    for scope, issuer, domains in [
        (C102, "P130102", ["农村", "窗口单位"]),
        (C104, "P130104", ["国企", "社区"]),
        (TAX, "TAX13", ["窗口单位"]),
    ]:
        body = {"year": 2025, "scope": scope, "issuer_org_id": issuer, "schemes": {d: scheme for d in domains}}
        cycles[scope] = (await call("/cycles", body, dept[scope], 201))["cycle_id"]
    # H3: TAXB1 (窗口单位, inside 长安区) is covered by the tax cycle only; BANK1 (mode b) by 桥西区's
    covered = {
        s: (await http.get(f"/api/grading/cycles/{cid}", headers=dept[s])).json()["orgs_in_scope"]
        for s, cid in cycles.items()
    }
    assert covered == {C102: 5, C104: 2, TAX: 1}

    assess = {"items": points(0.8)}
    for scope, org in [(C102, "VIL1"), (C104, "BANK1"), (TAX, "TAXB1")]:  # the leading superior of each mode
        r = await call(f"/cycles/{cycles[scope]}/orgs/{org}/superior-assessment", assess, sup[scope], 200)
        assert r["superior_points"] == points(0.8)
    await call(
        f"/cycles/{cycles[C102]}/orgs/VIL1/self-assessment", {"items": points(0.5)}, gstack.secretary("VIL1"), 200
    )

    before = app.recorder.max_notification_id()
    for scope, org, who, reason in [
        (C102, "VIL1", sup[C104], "do not lead"),  # a: another county
        (C102, "VIL1", sup[TAX], "do not lead"),
        (C104, "BANK1", sup[ICBC], "guide"),  # b: the vertical system guides
        (TAX, "TAXB1", sup[C102], "guide"),  # c: the local committee guides
        (TAX, "TAXB1", dept[C102], "guide"),
    ]:
        for action in ("superior-assessment", "determination"):
            body = assess if action == "superior-assessment" else {}
            problem = await call(f"/cycles/{cycles[scope]}/orgs/{org}/{action}", body, who, 403)
            assert reason in problem["detail"] and "H3" in problem["title_zh"], problem
    refused = await call(f"/cycles/{cycles[C102]}/orgs/TAXB1/superior-assessment", assess, sup[TAX], 409)
    assert refused["type"].endswith("/grading-not-covered") and "H3" in refused["title_en"]

    # bad input: 422 / 409 / 403 / 404 problems with both titles, and nothing recorded
    c102 = cycles[C102]
    bad_scheme = make_scheme()
    bad_scheme["indicators"][0]["items"][0]["max"] = 9
    deploy = {"year": 2026, "scope": C102, "issuer_org_id": "P130102", "schemes": {"农村": scheme}}
    vil3 = f"/cycles/{c102}/orgs/VIL3"
    for path, body, who, status in [
        ("/cycles", {**deploy, "schemes": {"农村": bad_scheme}}, dept[C102], 422),  # 99 points (G2)
        ("/cycles", {**deploy, "schemes": {"农业": scheme}}, dept[C102], 422),  # no such domain
        ("/cycles", {**deploy, "ratio": {"max_top": 1.5}}, dept[C102], 422),
        ("/cycles", {**deploy, "colour": "red"}, dept[C102], 422),  # unknown field
        ("/cycles", {**deploy, "scope": "local:13/1301/130102/130102001"}, dept[C102], 422),  # below county (G1)
        ("/cycles", {**deploy, "scope": "local:13/1301/"}, dept[C102], 403),  # outside the dept's scope
        ("/cycles", {**deploy, "scope": "vertical:tax"}, dept[C102], 403),
        ("/cycles", {**deploy, "issuer_org_id": "P130104"}, dept[C102], 422),  # issuer outside the scope
        ("/cycles", {**deploy, "issuer_org_id": "NOPE"}, dept[C102], 404),
        ("/cycles", deploy, sup[C102], 403),  # a superior is not an org dept (G1)
        ("/cycles", {**deploy, "year": 2025}, dept[C102], 409),  # deployed already
        (f"{vil3}/self-assessment", {"items": {**points(0.5), "1.1": 11}}, gstack.secretary("VIL3"), 422),
        (f"{vil3}/self-assessment", {"items": {"1.1": 5}}, gstack.secretary("VIL3"), 422),  # not every sub-item
        (f"{vil3}/self-assessment", {"items": points(0.5), "score": 100}, gstack.secretary("VIL3"), 422),
        (f"{vil3}/self-assessment", {"items": points(0.5)}, gstack.member("M1", "VIL1"), 403),
        (f"{vil3}/self-assessment", {"items": points(0.5)}, gstack.secretary("VIL1"), 403),  # another org's
        (f"{vil3}/determination", {}, sup[C102], 409),  # nothing assessed (G3)
        (f"/cycles/{c102}/orgs/VIL1/determination", {}, sup[C102], 409),  # no E8 result yet
        (f"/cycles/{c102}/orgs/VIL1/determination", {"grade": "优秀", "reason": "x"}, sup[C102], 409),
        (
            f"/cycles/{c102}/orgs/VIL1/rectification",
            {"problems": ["x"], "measures": ["y"], "due": "2026-01-01"},
            gstack.secretary("VIL1"),
            409,
        ),  # not determined (G6)
        (f"/cycles/{c102}/orgs/VIL1/acceptance", {"passed": True, "comment": "x"}, sup[C102], 404),  # no 2024
        (f"/cycles/{c102}/overrides", {"org_id": "VIL1", "grade": "特优", "reason": "x"}, dept[C102], 422),
        (f"/cycles/{c102}/overrides", {"org_id": "TAXB1", "grade": "先进", "reason": "x"}, dept[C102], 409),
        (f"/cycles/{cycles[TAX]}/overrides", {"org_id": "TAXB1", "grade": "先进", "reason": "x"}, dept[C102], 403),
        ("/cycles/00000000-0000-0000-0000-000000000000/orgs/VIL1/determination", {}, sup[C102], 404),
    ]:
        problem = await call(path, body, who, status)
        assert problem["title_zh"] and problem["title_en"] and problem["status"] == status, problem
    assert app.recorder.max_notification_id() == before

    # reports: each hierarchy sees its own subtree (H4), nothing outside it
    for params, who, status in [
        ({"scope": TAX, "year": 2025}, sup[TAX], 200),
        ({"scope": C102, "year": 2025}, sup[TAX], 403),
        ({"scope": "somewhere", "year": 2025}, sup[C102], 422),
    ]:
        r = await http.get("/api/grading/reports/ungraded", params=params, headers=who)
        assert r.status_code == status, r.text
    r = await http.get("/api/grading/reports/ungraded", params={"scope": TAX, "year": 2025}, headers=sup[TAX])
    assert [row["org_id"] for row in r.json()["items"]] == ["TAXB1"]
    for path, who, status in [
        (f"/cycles/{c102}", sup[ICBC], 403),
        (f"/cycles/{c102}", gstack.secretary("VIL1"), 200),
        (f"/cycles/{c102}", gstack.secretary("COM1"), 403),
        (f"/cycles/{c102}/orgs/VIL1", gstack.secretary("VIL1"), 200),
        (f"/cycles/{c102}/orgs/VIL1", gstack.secretary("COM1"), 403),
        (f"/cycles/{c102}/orgs/VIL1", sup[C104], 403),
    ]:
        r = await http.get(f"/api/grading{path}", headers=who)
        assert r.status_code == status, (path, r.text)

    # G5 under concurrency: a determination checked against a stale tally loses the race and records nothing
    feed = EvaluationsFeed(gstack)
    for org in ("VIL1", "WIN1"):
        await feed.completed(org, 2025, 90)
    await call(f"/cycles/{c102}/orgs/WIN1/self-assessment", {"items": points(0.9)}, gstack.secretary("WIN1"), 200)
    await call(f"/cycles/{c102}/orgs/WIN1/superior-assessment", {"items": points(0.9)}, sup[C102], 200)
    await gstack.settle()
    stale = app.cycle(UUID(c102))
    assert (await call(f"/cycles/{c102}/orgs/VIL1/determination", {}, sup[C102], 200))["state"] == "determined"
    # WIN1's determination reads the cycle as it was before VIL1's was saved — on every retry
    app.cycle = lambda _cycle_id: copy.deepcopy(stale)
    try:
        before = app.recorder.max_notification_id()
        problem = await call(f"/cycles/{c102}/orgs/WIN1/determination", {}, sup[C102], 409)
        assert problem["type"].endswith("/grading-concurrent") and app.recorder.max_notification_id() == before
    finally:
        del app.cycle
    assert (await call(f"/cycles/{c102}/orgs/WIN1/determination", {}, sup[C102], 200))["grade"] == "先进"
