"""The demo's branch life (``make run``): published institutions in the demo township but for one branch, a
county call for summaries with some submitted — made through the commands, once."""

from __future__ import annotations

from services.branches.demo import COUNTY, seed
from shared.demo import generate

from ..stack import Stack


async def test_the_demo_township_has_institutions_but_one_and_some_summaries(tmp_path):
    stack = await Stack(tmp_path, "sqlite", services=("branches",), directory=generate()).start()
    try:
        app = stack["branches"].app
        assert seed(app) >= 4
        assert seed(app) == 0  # once
        await stack.settle()
        county = stack.token("org_admin", "dept", [COUNTY])
        table = (
            await stack.http.get(
                "/api/branches/institutions", params={"scope": "local:13/1301/130102/130102001"}, headers=county
            )
        ).json()
        without = [r["org_id"] for r in table["rows"] if not r["institutions"]]
        assert without == ["O130102001C"]
        call = stack["branches"].db.one("SELECT call_id FROM br_calls")
        progress = (await stack.http.get(f"/api/branches/summary-calls/{call['call_id']}", headers=county)).json()
        assert progress["branches_submitted"] == 2
        year = app.today().year
        meeting = (await stack.http.get(f"/api/branches/orgs/O130102001V/meetings/{year}", headers=county)).json()
        assert meeting["state"] == "concluded" and len(meeting["members"]) >= 10
    finally:
        await stack.stop()
