"""定级更正 (G4): a determination made in error is corrected by the leading superior with a reason, as a new
event that keeps the original in history, checked against G5 as if determined anew; refused without a
reason, by a guiding superior, to the same grade, beyond the ratio rules, or once a rectification is planned.
Every read model (grading's reports, awards' facts) follows the correction."""

from __future__ import annotations

import pytest

from ..evaluations.conftest import stream_events
from ..stack import Stack
from .bus import EvaluationsFeed
from .conftest import GRADING_DIRECTORY
from .test_two_years_http import SCOPE, Client


@pytest.fixture
async def gastack(tmp_path, store):
    s = await Stack(tmp_path, store, services=("grading", "awards"), directory=GRADING_DIRECTORY).start()
    yield s
    await s.stop()


async def test_a_wrong_grade_is_corrected_with_a_reason_and_the_original_stays(gastack):
    c, feed = Client(gastack), EvaluationsFeed(gastack)
    cycle = await c.deploy(2025, "2025.1", ratio={"max_top": 0.2, "min_bottom": 0.2})  # 5 orgs: ≤ 1 先进, ≥ 1 后进
    cid = cycle["cycle_id"]
    for org, share in (("VIL1", 0.95), ("VIL3", 0.7), ("VIL4", 0.7)):
        await feed.completed(org, 2025, 80)
        await gastack.settle()  # grading has read the E8 result
        await c.assess(cid, org, share)
    first = await c.determine(cid, "VIL1")
    assert first["grade"] == "先进"
    await c.determine(cid, "VIL3")
    path = f"/cycles/{cid}/orgs/VIL1/correction"

    no_reason = await gastack.http.post(f"/api/grading{path}", json={"grade": "一般"}, headers=c.county)
    assert no_reason.status_code == 422
    same = await c.post(path, {"grade": "先进", "reason": "复核"}, c.county, 422)
    assert "更正须改为其他等次" in same["title_zh"]
    tax = gastack.token("superior", "tax-13", ["vertical:tax/13"])
    assert (
        await gastack.http.post(f"/api/grading{path}", json={"grade": "一般", "reason": "x"}, headers=tax)
    ).status_code == 403
    breach = await c.post(f"/cycles/{cid}/orgs/VIL3/correction", {"grade": "先进", "reason": "复核"}, c.county, 409)
    assert "先进比例超限" in breach["title_zh"]  # VIL1 holds the one 先进 place (G5)

    corrected = await c.post(path, {"grade": "一般", "reason": "复核发现上级评定分数录入有误"}, c.county)
    assert corrected["grade"] == "一般"
    now_allowed = await c.post(f"/cycles/{cid}/orgs/VIL3/correction", {"grade": "先进", "reason": "复核"}, c.county)
    assert now_allowed["grade"] == "先进"  # the place VIL1 gave back

    await gastack.settle()
    js = gastack["grading"].js
    assert len(await stream_events(js, "cxzy.grading.determined.*.*.*.*.*.*.*.*.VIL1", "CXZY_GRADING")) == 1
    fixes = await stream_events(js, "cxzy.grading.determination_corrected.>", "CXZY_GRADING")
    assert len(fixes) == 2
    distribution = await c.get("/reports/distribution", {"scope": SCOPE, "year": 2025})
    assert {g["grade"]: g["count"] for g in distribution["grades"]} == {"先进": 1, "一般": 1}
    assert distribution["advanced"] == 1
    grades = {r["org_id"]: r["grade"] for r in gastack["awards"].db.query("SELECT org_id, grade FROM aw_grades")}
    assert grades == {"VIL1": "一般", "VIL3": "先进"}


async def test_no_correction_once_the_rectification_is_planned(gastack):
    c, feed = Client(gastack), EvaluationsFeed(gastack)
    cid = (await c.deploy(2025, "2025.1"))["cycle_id"]
    await feed.completed("VIL4", 2025, 80)
    await gastack.settle()
    await c.assess(cid, "VIL4", 0.7)
    await c.determine(cid, "VIL4")
    await c.post(
        f"/cycles/{cid}/orgs/VIL4/rectification",
        {"problems": ["制度执行不严"], "measures": ["每月检查"], "due": "2026-06-30"},
        gastack.secretary("VIL4"),
    )
    refused = await c.post(f"/cycles/{cid}/orgs/VIL4/correction", {"grade": "后进", "reason": "复核"}, c.county, 409)
    assert "整改方案" in refused["title_zh"]
