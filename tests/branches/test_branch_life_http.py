"""Branch life over real HTTP, a real nats-server and each store (B1, B2, B5): a village branch drafts its
创先争优 institution, members discuss it, the masses give opinions through the public link and get answers, the
branch meeting adopts it and it is published on the 党务公开栏 (escaped); superiors inspect and assess it
(a guiding superior may inspect, not assess); the 汇总表 shows who has none; the county calls for 活动总结, a
member's too-short summary is refused, the secretary sees who is missing, the county returns one for rework."""

from __future__ import annotations

import datetime as dt
import json

from ..evaluations.conftest import stream_events
from ..stack import Stack

COUNTY = "local:13/1301/130102"
BODY = {
    "org_id": "VIL1",
    "title": "党员联系农户<script>alert(1)</script>制度",
    "focus": ["带领群众致富", "维护农村稳定"],
    "goal": "每名党员联系 5 户群众，帮办实事",
    "content": "每月走访一次联系户，记录诉求并限时办结；支部每季度通报",
    "measures": ["建立党员联系户台账", "每季度支部党员大会通报办结情况"],
}


async def post(stack: Stack, path: str, body: dict, who: dict, status: int = 200) -> dict:
    r = await stack.http.post(f"/api/branches{path}", json=body, headers=who)
    assert r.status_code == status, r.text
    return r.json()


async def test_an_institution_is_made_democratically_and_published_for_both_hierarchies(tmp_path, store):
    stack = await Stack(tmp_path, store, services=("branches",)).start()
    try:
        sec, member = stack.secretary("VIL1"), stack.member("M1", "VIL1")
        county = stack.token("superior", "county", [COUNTY])
        tax = stack.token("superior", "tax", ["vertical:tax/13"])
        wrong = dict(BODY, focus=["提高服务效能"])
        refused = await post(stack, "/institutions", wrong, sec, 422)
        assert "重点" in refused["title_zh"]
        assert (await stack.http.post("/api/branches/institutions", json=BODY, headers=member)).status_code == 403
        i = await post(stack, "/institutions", BODY, sec, 201)
        iid = i["institution_id"]

        early = await post(
            stack,
            f"/institutions/{iid}/adoption",
            {"meeting_on": "2026-03-01", "attending": 9, "members": 12},
            sec,
            409,
        )
        assert "党员讨论" in early["title_zh"]
        await post(stack, f"/institutions/{iid}/discussion", {"opinion": "建议把困难户作为重点联系对象"}, member)
        until = (dt.date.today() + dt.timedelta(days=7)).isoformat()
        link = (await post(stack, f"/institutions/{iid}/solicitation", {"until": until}, sec))["public_link"]
        form = await stack.http.get(link)
        assert form.status_code == 200 and "不留姓名" in form.text and "<script>alert" not in form.text
        thanks = await stack.http.post(link, data={"text": "希望走访安排在晚上，白天大家下地干活"})
        assert thanks.status_code == 201 and "第 1 条" in thanks.text
        unanswered = await post(
            stack,
            f"/institutions/{iid}/adoption",
            {"meeting_on": "2026-03-01", "attending": 9, "members": 12},
            sec,
            409,
        )
        assert "答复第 1 条" in unanswered["title_zh"]
        await post(stack, f"/institutions/{iid}/answers", {"number": 1, "answer": "已采纳，统一安排在晚饭后走访"}, sec)
        await post(
            stack, f"/institutions/{iid}/adoption", {"meeting_on": "2026-03-01", "attending": 9, "members": 12}, sec
        )
        published = await post(stack, f"/institutions/{iid}/publication", {"channel": "notice_board"}, sec)
        assert published["state"] == "published"

        await stack.settle()
        board = await stack.http.get(published["board"])
        assert board.status_code == 200 and "每季度支部党员大会通报办结情况" in board.text
        assert "&lt;script&gt;" in board.text and "<script>alert" not in board.text  # escaped
        assert "希望走访安排在晚上" not in board.text  # the masses' words stay in the write model

        js = stack["branches"].js
        local = await stream_events(js, "cxzy.branches.institution_published.13.1301.130102.>", "CXZY_BRANCHES")
        assert len(local) == 1
        assert b"\xe5\xb8\x8c\xe6\x9c\x9b" not in local[0].data  # "希望": no opinion of the masses on the bus
        elsewhere = await stream_events(js, "cxzy.branches.*.13.1301.130104.>", "CXZY_BRANCHES")
        assert elsewhere == []  # 桥西区's subscribers see nothing of 长安区's branch

        table = (await stack.http.get("/api/branches/institutions", params={"scope": COUNTY}, headers=county)).json()
        rows = {r["org_id"]: r for r in table["rows"]}
        assert [x["title"] for x in rows["VIL1"]["institutions"]] == [BODY["title"]]
        assert table["without_institution"] == table["branches"] - 1
        assert (
            await stack.http.get("/api/branches/institutions", params={"scope": "local:13"}, headers=county)
        ).status_code == 403

        await post(
            stack, f"/institutions/{iid}/inspections", {"note": "台账记录完整，建议增加群众满意度回访"}, county, 201
        )
        assessed = await post(
            stack, f"/institutions/{iid}/assessments", {"period": "2026 上半年", "grade": "好"}, county, 201
        )
        assert assessed["state"] == "published"
        assert (
            await stack.http.post(
                f"/api/branches/institutions/{iid}/assessments", json={"period": "2026", "grade": "好"}, headers=tax
            )
        ).status_code == 403

        revised = await post(
            stack,
            f"/institutions/{iid}/revision",
            {
                **{k: v for k, v in BODY.items() if k != "org_id"},
                "goal": "每名党员联系 8 户群众",
                "reason": "群众评议建议扩大联系面",
            },
            sec,
        )
        assert (revised["version"], revised["state"], revised["published_version"]) == (2, "drafting", 1)
    finally:
        await stack.stop()


async def test_b5_summaries_are_called_for_submitted_watched_and_returned(tmp_path, store):
    stack = await Stack(tmp_path, store, services=("branches",)).start()
    try:
        county = stack.token("superior", "county", [COUNTY])
        deadline = (dt.date.today() + dt.timedelta(days=20)).isoformat()
        call = await post(
            stack,
            "/summary-calls",
            {"scope": COUNTY, "year": 2026, "deadline": deadline, "min_length": 100, "issuer_org_id": "P130102"},
            county,
            201,
        )
        cid = call["call_id"]
        again = await post(
            stack,
            "/summary-calls",
            {"scope": COUNTY, "year": 2026, "deadline": deadline, "issuer_org_id": "P130102"},
            county,
            409,
        )
        assert "重复部署" in again["title_zh"]
        m1 = stack.member("M1", "VIL1")
        short = await post(
            stack,
            f"/summary-calls/{cid}/summaries",
            {"author_kind": "member", "org_id": "VIL1", "text": "今年很好"},
            m1,
            422,
        )
        assert "不少于 100 字" in short["title_zh"]
        text = "本年度我认真履行承诺，" * 20
        mine = await post(
            stack, f"/summary-calls/{cid}/summaries", {"author_kind": "member", "org_id": "VIL1", "text": text}, m1, 201
        )
        other = stack.member("M2", "VIL1")
        assert (await stack.http.get(f"/api/branches/summaries/{mine['summary_id']}", headers=other)).status_code == 403
        await stack.settle()
        progress = (await stack.http.get(f"/api/branches/summary-calls/{cid}", headers=county)).json()
        vil1 = next(r for r in progress["rows"] if r["org_id"] == "VIL1")
        assert (
            vil1["members_submitted"] == 1 and "M1" not in vil1["members_missing"] and "M2" in vil1["members_missing"]
        )
        assert vil1["branch_summary"] is None and progress["branches_submitted"] == 0
        await post(stack, f"/summaries/{mine['summary_id']}/return", {"reason": "请补充联系群众的具体事例"}, county)
        again = await post(
            stack, f"/summaries/{mine['summary_id']}/resubmission", {"text": text + "走访困难户 24 户次。"}, m1
        )
        assert again["returned"] is False
        await stack.settle()
        row = stack["branches"].db.one(
            "SELECT state, length FROM br_summaries WHERE summary_id = ?", [mine["summary_id"]]
        )
        assert row == {"state": "submitted", "length": len(text + "走访困难户 24 户次。")}
        events = await stream_events(stack["branches"].js, "cxzy.branches.summary_submitted.>", "CXZY_BRANCHES")
        assert len(events) == 1 and "认真履行承诺".encode() not in events[0].data  # no summary text on the bus
    finally:
        await stack.stop()


async def test_g10_grading_scores_the_institution_sub_item_from_the_published_institution(tmp_path, store):
    """Across services on one nats-server: the branches stream tells grading that VIL1 has published its
    institution; the 工作制度 sub-item with ``"source": "institution"`` scores full for VIL1, nothing for VIL3."""
    from ..grading.bus import EvaluationsFeed
    from ..grading.conftest import GRADING_DIRECTORY
    from ..grading.schemes import make_scheme, points
    from ..grading.test_two_years_http import Client

    stack = await Stack(tmp_path, store, services=("branches", "grading"), directory=GRADING_DIRECTORY).start()
    try:
        sec = stack.secretary("VIL1")
        iid = (await post(stack, "/institutions", BODY, sec, 201))["institution_id"]
        await post(stack, f"/institutions/{iid}/discussion", {"opinion": "同意"}, stack.member("M1", "VIL1"))
        await post(stack, f"/institutions/{iid}/solicitation", {"until": dt.date.today().isoformat()}, sec)
        await post(
            stack, f"/institutions/{iid}/adoption", {"meeting_on": "2026-03-01", "attending": 9, "members": 12}, sec
        )
        await post(stack, f"/institutions/{iid}/publication", {"channel": "notice_board"}, sec)

        scheme = make_scheme("2026.g10")
        system = next(ind for ind in scheme["indicators"] if ind["name"] == "工作制度")
        g10 = next(item for item in system["items"] if item["code"] == "3.2")  # 创先争优制度 established and published
        g10["source"] = "institution"  # G10: from the published institution, not self-declared
        c = Client(stack)
        body = {"year": 2026, "scope": COUNTY, "issuer_org_id": "P130102", "schemes": {"农村": scheme}, "ratio": {}}
        cid = (await c.post("/cycles", body, c.dept, 201))["cycle_id"]
        feed = EvaluationsFeed(stack)
        await stack.settle()
        results = {}
        for org in ("VIL1", "VIL3"):
            await feed.completed(org, 2026, 80)
            await stack.settle()  # grading has read the E8 result
            base = f"/cycles/{cid}/orgs/{org}"
            assessed = {k: v for k, v in points(0.8).items() if k != "3.2"}
            await c.post(f"{base}/self-assessment", {"items": assessed, "evidence": {}}, stack.secretary(org))
            await c.post(f"{base}/superior-assessment", {"items": assessed}, c.county)
            results[org] = await c.determine(cid, org)
        full = g10["max"]
        assert round(results["VIL1"]["score"] - results["VIL3"]["score"], 2) == full
        await stack.settle()
        determined = await stream_events(stack["grading"].js, "cxzy.grading.determined.>", "CXZY_GRADING")
        parts = {m.headers["ce-orgid"]: json.loads(m.data)["parts"] for m in determined}
        assert parts["VIL1"]["institution"] == full and parts["VIL3"]["institution"] == 0
    finally:
        await stack.stop()
