"""State for the dashboard tests, made through the services' JSON API: two years of 分类定级 in 长安区 (VIL1 先进 →
一般, WIN1 后进 → 一般: one 降位, one 晋位, G7) and a pledge of 一村 kept (P4); officers of the city and of the tax
system (a guiding superior for TAXB1's territory, H3)."""

from __future__ import annotations

from tests.grading.schemes import make_scheme, points
from tests.workspace.conftest import PASSWORD

COUNTY = "local:13/1301/130102"
GRADES = {2025: {"VIL1": 0.9, "WIN1": 0.5}, 2026: {"VIL1": 0.7, "WIN1": 0.7}}
DASH_ACCOUNTS = {
    "dash-city": dict(role="superior", org="P1301"),  # 市委: local:13/1301, two counties below
    "dash-tax": dict(role="superior", org="TAX13", hierarchy="vertical"),  # 省税务局党委: vertical:tax/13
}


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def two_years_of_grading(ws) -> None:
    http = ws.http
    dept = ws.token("org_admin", "dash-dept", [COUNTY])
    county = ws.token("superior", "dash-county", [COUNTY])
    scheme = make_scheme(mass=False)
    for year, shares in GRADES.items():
        body = {
            "year": year,
            "scope": COUNTY,
            "issuer_org_id": "P130102",
            "schemes": {"农村": scheme, "窗口单位": scheme},
        }
        cycle = (await ok(await http.post("/api/grading/cycles", json=body, headers=dept), 201))["cycle_id"]
        for org, share in shares.items():
            base = f"/api/grading/cycles/{cycle}/orgs/{org}"
            items = points(share) | {"7.1": 15 * share}  # 群众评价 7.1 assessed by hand here (no E8 source)
            await ok(await http.post(f"{base}/self-assessment", json={"items": items}, headers=ws.secretary(org)))
            await ok(await http.post(f"{base}/superior-assessment", json={"items": items}, headers=county))
            await ok(await http.post(f"{base}/determination", json={}, headers=county))


async def a_kept_pledge(ws) -> None:
    http, member, sec = ws.http, ws.member("M1", "VIL1"), ws.secretary("VIL1")
    body = {
        "org_id": "VIL1",
        "pledger_kind": "individual",
        "member_ids": ["M1"],
        "kind": "annual",
        "items": [{"text": "每月走访困难群众两次", "tags": ["带头服务群众"]}],
    }
    pid = (await ok(await http.post("/api/pledges/pledges", json=body, headers=member), 201))["pledge_id"]
    for step, data, who in (
        ("approve", None, sec),
        ("publicise", {"channel": "公示栏"}, sec),
        ("complete", {"summary": "全年走访24次"}, member),
    ):
        await ok(await http.post(f"/api/pledges/pledges/{pid}/{step}", json=data, headers=who))


async def contest_scores(ws) -> None:
    """三比 (E3) of 政务窗口 in 2026-Q1: two members of WIN1 scored by its secretary."""
    sec = ws.secretary("WIN1")
    window = {"window_id": "WIN1-A", "org_id": "WIN1", "name": "政务服务窗口"}
    await ok(await ws.http.post("/api/evaluations/windows", json=window, headers=sec), 201)
    for target, score in (("M10", 92), ("M11", 88)):
        body = {"contest": "skill", "label": "2026-Q1", "target": target, "score": score}
        await ok(await ws.http.post("/api/evaluations/windows/WIN1-A/contests", json=body, headers=sec), 201)


async def dashboard_state(ws) -> None:
    """Once per stack: the accounts and the grading and pledges the dashboards show."""
    if getattr(ws, "dashboard_ready", False):
        return
    for username, spec in DASH_ACCOUNTS.items():
        spec = dict(spec)
        ws.app.state.accounts.add(username, PASSWORD, spec.pop("role"), **spec)
    await two_years_of_grading(ws)
    await a_kept_pledge(ws)
    await contest_scores(ws)
    await ws.settle()
    ws.dashboard_ready = True
