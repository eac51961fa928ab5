"""述职评议 (B6, G9) across three services on one nats-server and each store: the village secretary's 述职 carries
the branch's grade of the year (from the grading stream), the county committee's 述职 the grades of every org in
its subtree; the leading superior links the evaluation round it opened, and its result comes back (E6)."""

from __future__ import annotations

import datetime as dt

from ..grading.bus import EvaluationsFeed
from ..grading.conftest import GRADING_DIRECTORY
from ..grading.test_two_years_http import Client
from ..stack import Stack

REPORT = "本年度支部围绕创先争优，落实承诺践诺、联系服务群众，组织党员定期学习，整改上年定级中发现的问题。" * 3


async def test_b6_a_debrief_carries_the_grades_it_answers_for_and_its_evaluation(tmp_path, store):
    stack = await Stack(
        tmp_path, store, services=("branches", "grading", "evaluations"), directory=GRADING_DIRECTORY
    ).start()
    try:
        c, feed = Client(stack), EvaluationsFeed(stack)
        cid = (await c.deploy(2026, "2026.1"))["cycle_id"]
        for org, share in (("VIL1", 0.95), ("VIL3", 0.7)):
            await feed.completed(org, 2026, 80)
            await stack.settle()  # grading has read the E8 result
            await c.assess(cid, org, share)
            await c.determine(cid, org)
        await stack.settle()

        sec = stack.secretary("VIL1")
        short = await stack.http.post("/api/branches/orgs/VIL1/debriefs/2026", json={"text": "很好"}, headers=sec)
        assert short.status_code == 422
        village = await stack.http.post("/api/branches/orgs/VIL1/debriefs/2026", json={"text": REPORT}, headers=sec)
        assert village.status_code == 201, village.text
        assert village.json()["level"] == "village" and village.json()["grading"]["grades"] == {"先进": 1}
        county_sec = stack.secretary("P130102")
        county = await stack.http.post(
            "/api/branches/orgs/P130102/debriefs/2026", json={"text": REPORT}, headers=county_sec
        )
        assert county.json()["level"] == "county" and county.json()["grading"]["graded"] == 2

        period = {"start": dt.date.today().isoformat(), "end": (dt.date.today() + dt.timedelta(days=7)).isoformat()}
        body = {
            "subject_type": "org",
            "subject_id": "VIL1",
            "purpose": "general",
            "modes": {"leader": 1},
            "year": 2026,
            "eligible": 1,
            "min_participation": 1.0,
            "publish": True,
            **period,
        }
        opened = await stack.http.post("/api/evaluations/rounds", json=body, headers=c.county)
        assert opened.status_code == 201, opened.text
        rid = opened.json()["round_id"]
        tax = stack.token("superior", "tax", ["vertical:tax/13"])
        linked_by_other = await stack.http.post(
            "/api/branches/orgs/VIL1/debriefs/2026/evaluation", json={"round_id": rid}, headers=tax
        )
        assert linked_by_other.status_code == 403
        linked = await stack.http.post(
            "/api/branches/orgs/VIL1/debriefs/2026/evaluation", json={"round_id": rid}, headers=c.county
        )
        assert linked.status_code == 200, linked.text
        rated = await stack.http.post(
            f"/api/evaluations/rounds/{rid}/ratings", json={"mode": "leader", "score": 92}, headers=c.county
        )
        assert rated.status_code == 200, rated.text
        closed = await stack.http.post(f"/api/evaluations/rounds/{rid}/close", headers=c.county)
        assert closed.status_code == 200 and closed.json()["state"] == "completed", closed.text
        await stack.settle()
        seen = (await stack.http.get("/api/branches/orgs/VIL1/debriefs/2026", headers=c.county)).json()
        assert seen["result"]["score"] == 92 and seen["text"] == REPORT

        # B2: the masses' evaluation of the branch's published institution comes back to it the same way
        from .test_branch_life_http import BODY, post

        iid = (await post(stack, "/institutions", BODY, sec, 201))["institution_id"]
        early = await stack.http.post(
            f"/api/branches/institutions/{iid}/evaluations", json={"round_id": rid}, headers=sec
        )
        assert early.status_code == 409  # not published yet
        await post(stack, f"/institutions/{iid}/discussion", {"opinion": "同意"}, stack.member("M1", "VIL1"))
        await post(stack, f"/institutions/{iid}/solicitation", {"until": dt.date.today().isoformat()}, sec)
        await post(
            stack, f"/institutions/{iid}/adoption", {"meeting_on": "2026-03-01", "attending": 9, "members": 12}, sec
        )
        await post(stack, f"/institutions/{iid}/publication", {"channel": "notice_board"}, sec)
        linked = await post(stack, f"/institutions/{iid}/evaluations", {"round_id": rid}, sec)
        assert linked["results"] == [{"round_id": rid, "score": 92.0, "grade": linked["results"][0]["grade"]}]
    finally:
        await stack.stop()
