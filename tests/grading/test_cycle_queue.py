"""The console's reads (issue 14): the cycles a reader sees, the 分类定级 queue of a cycle with who leads whom (H3),
the G5 limits in numbers (G5), and the evidence and E8 result of one org's grading (G3) — over real HTTP."""

from .bus import EvaluationsFeed
from .schemes import make_scheme, points

C102, TAX = "local:13/1301/130102", "vertical:tax/13"


async def test_cycles_queue_and_limits_as_each_hierarchy_sees_them(gstack):
    http = gstack.http
    dept102, dept_tax = gstack.token("org_admin", "d102", [C102]), gstack.token("org_admin", "dtax", [TAX])
    county, tax = gstack.token("superior", "s102", [C102]), gstack.token("superior", "stax", [TAX])
    scheme = make_scheme()
    ids = {}
    for scope, issuer, domains, who in [(C102, "P130102", ["农村"], dept102), (TAX, "TAX13", ["窗口单位"], dept_tax)]:
        body = {
            "year": 2025,
            "scope": scope,
            "issuer_org_id": issuer,
            "schemes": {d: scheme for d in domains},
            "ratio": {"max_top": 0.2, "min_bottom": 0.2},
        }
        r = await http.post("/api/grading/cycles", json=body, headers=who)
        assert r.status_code == 201, r.text
        ids[scope] = r.json()["cycle_id"]
        assert r.json()["limits"] == {"top_limit": 0, "bottom_needed": 1}  # 4 and 1 orgs: ⌊0.2N⌋, ⌈0.2N⌉
    await gstack.settle()

    listed = (await http.get("/api/grading/cycles", headers=county)).json()["items"]
    assert {c["scope"] for c in listed} == {C102, TAX}  # the tax cycle grades TAXB1, which 长安区 guides (H3)
    assert [c["scope"] for c in (await http.get("/api/grading/cycles", headers=tax)).json()["items"]] == [TAX]
    other = gstack.token("superior", "s104", ["local:13/1301/130104"])
    assert (await http.get("/api/grading/cycles", headers=other)).json()["items"] == []
    assert (await http.get(f"/api/grading/cycles/{ids[TAX]}/orgs", headers=other)).status_code == 403

    guided = (await http.get(f"/api/grading/cycles/{ids[TAX]}/orgs", headers=county)).json()["items"]
    assert [(o["org_id"], o["leads"]) for o in guided] == [("TAXB1", False)]
    led = (await http.get(f"/api/grading/cycles/{ids[C102]}/orgs", headers=county)).json()["items"]
    assert [o["org_id"] for o in led] == ["VIL1", "VIL3", "VIL4", "VIL5"] and all(o["leads"] for o in led)

    await EvaluationsFeed(gstack).completed("VIL1", 2025, 88)
    r = await http.post(
        f"/api/grading/cycles/{ids[C102]}/orgs/VIL1/self-assessment",
        json={"items": points(0.5), "evidence": {"1.1": ["会议记录"]}},
        headers=gstack.secretary("VIL1"),
    )
    assert r.status_code == 200, r.text
    await gstack.settle()
    one = (await http.get(f"/api/grading/cycles/{ids[C102]}/orgs/VIL1", headers=county)).json()
    assert one["evidence"] == {"1.1": ["会议记录"]} and one["mass"]["score"] == 88
    row = next(
        o
        for o in (await http.get(f"/api/grading/cycles/{ids[C102]}/orgs", headers=county)).json()["items"]
        if o["org_id"] == "VIL1"
    )
    assert row["self_assessed"] and not row["superior_assessed"] and row["mass"]["score"] == 88
