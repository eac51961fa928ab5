"""Issue 10, G5 under concurrency: four processes determine the orgs of one cycle at the same time
against one store. Every org would be 先进 on its scores, the cap allows 20 % of them: exactly that
many are 先进, the others are refused with the numbers, nothing is counted twice and every refusal
recorded nothing."""

from __future__ import annotations

import copy
import multiprocessing
from uuid import UUID

import pytest

from services import spec
from shared.auth import issue_token, verify_token
from shared.errors import Problem
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.directory_fixture import DIRECTORY
from tests.grading.bus import EvaluationsFeed
from tests.grading.schemes import make_scheme, points
from tests.stack import Stack, stores

COUNTY = "local:13/1301/130102"
VILLAGES = [
    {
        "id": f"CV{n:02d}",
        "name": f"竞{n}村党支部",
        "type": "支部",
        "domain": "农村",
        "local_path": f"13/1301/130102/1301021{n:02d}",
        "mode": "a",
        "parent": "P130102",
    }
    for n in range(1, 21)
]
CROWDED = {"orgs": [*copy.deepcopy(DIRECTORY["orgs"]), *VILLAGES], "members": DIRECTORY["members"]}


def determine_slice(settings_json: str, cycle_id: str, orgs: list[str], results) -> None:
    """One process of the service: its own runtime (own connections), no HTTP, the same store."""
    settings = Settings.model_validate_json(settings_json)
    rt = ServiceRuntime(spec("grading"), settings)
    actor = verify_token(settings, issue_token(settings, "sup-county", "superior", [COUNTY]))
    try:
        for org in orgs:
            try:
                results.append((org, rt.app.determine(actor, UUID(cycle_id), org, None, None).grade))
            except Problem as refused:
                results.append((org, refused.slug))
    finally:
        rt.close()


@pytest.mark.parametrize("store", stores())
async def test_g5_cap_holds_when_four_processes_determine_at_once(tmp_path, store):
    stack = await Stack(tmp_path, store, services=("grading",), directory=CROWDED).start()
    try:
        http = stack.http
        dept = stack.token("org_admin", "dept", [COUNTY])
        sup = stack.token("superior", "sup-county", [COUNTY])
        body = {
            "year": 2025,
            "scope": COUNTY,
            "issuer_org_id": "P130102",
            "schemes": {"农村": make_scheme()},
            "ratio": {"max_top": 0.2, "min_bottom": 0.0},
        }
        r = await http.post("/api/grading/cycles", json=body, headers=dept)
        assert r.status_code == 201, r.text
        cycle = r.json()
        feed = EvaluationsFeed(stack)
        orgs = [v["id"] for v in VILLAGES]
        for org in orgs:
            await feed.completed(org, 2025, 95)
            path = f"/api/grading/cycles/{cycle['cycle_id']}/orgs/{org}"
            r = await http.post(f"{path}/self-assessment", json={"items": points(0.95)}, headers=stack.secretary(org))
            assert r.status_code == 200, r.text
            r = await http.post(f"{path}/superior-assessment", json={"items": points(0.95)}, headers=sup)
            assert r.status_code == 200, r.text
        await stack.settle()
        cap = int(0.2 * cycle["orgs_in_scope"])
        before = stack["grading"].app.recorder.max_notification_id()

        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager:
            results = manager.list()
            slices = [orgs[i::4] for i in range(4)]
            procs = [
                ctx.Process(
                    target=determine_slice,
                    args=(stack.settings.model_dump_json(), cycle["cycle_id"], part, results),
                )
                for part in slices
            ]
            for p in procs:
                p.start()
            for p in procs:
                p.join(120)
                assert p.exitcode == 0
            outcome = dict(results)

        assert sorted(outcome) == sorted(orgs)
        top = [o for o, grade in outcome.items() if grade == "先进"]
        assert len(top) == cap, outcome  # exactly the cap: none more (G5), and none lost to a race
        assert all(
            grade in ("先进", "G5-max-top", "grading-ratio") or grade.startswith("grading")
            for grade in outcome.values()
        )
        refused = [o for o, grade in outcome.items() if grade != "先进"]
        events = stack["grading"].app.recorder.select_notifications(start=before + 1, limit=10_000)
        determined = [n for n in events if n.topic.endswith("Determined")]
        assert len(determined) == cap  # a refused determination recorded nothing
        app = stack["grading"].app
        assert app.cycle(UUID(cycle["cycle_id"])).counts() == (cap, 0, cap)
        assert refused and all(app.grading(UUID(cycle["cycle_id"]), o).grade is None for o in refused)
    finally:
        await stack.stop()
