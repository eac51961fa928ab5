"""晋位升级 over two years, over real HTTP, a real nats-server and each store (G1–G8, E8, H4):
安排部署 → 党员群众评议 results arriving on the evaluations stream → 自评 / 上级评定 → 定级确定 within the
ratio rules (refusal with the numbers, then a recorded override) → 整改 → next year 考核验收 → 晋位升级
report → the reports rebuilt from sequence 1 reproduce the old grades under the old scheme."""

from cloudevents.core.bindings.http import HTTPMessage, from_binary_event

from services.grading.scheme import canonical_ladder, grade_for
from shared.envelope import Envelope

from .bus import EvaluationsFeed
from .schemes import make_scheme, points

SCOPE = "local:13/1301/130102"
STRICTER = [{"grade": "先进", "min": 90}, {"grade": "一般", "min": 60}, {"grade": "后进", "min": 0}]


class Client:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.dept = stack.token("org_admin", "dept-130102", [SCOPE])
        self.county = stack.token("superior", "county-130102", [SCOPE])

    async def post(self, path: str, body: dict | None, who: dict, status: int = 200) -> dict:
        r = await self.stack.http.post(f"/api/grading{path}", json=body, headers=who)
        assert r.status_code == status, r.text
        if status >= 400:
            assert r.headers["content-type"] == "application/problem+json"
        return r.json()

    async def get(self, path: str, params: dict | None = None, who: dict | None = None) -> dict:
        r = await self.stack.http.get(f"/api/grading{path}", params=params, headers=who or self.county)
        assert r.status_code == 200, r.text
        return r.json()

    async def deploy(self, year: int, version: str, ladder=None, ratio=None) -> dict:
        scheme = make_scheme(version, ladder)
        body = {
            "year": year,
            "scope": SCOPE,
            "issuer_org_id": "P130102",
            "schemes": {"农村": scheme, "窗口单位": scheme},
            "ratio": ratio or {},
        }
        return await self.post("/cycles", body, self.dept, 201)

    async def assess(self, cycle_id: str, org_id: str, share: float) -> None:
        base = f"/cycles/{cycle_id}/orgs/{org_id}"
        await self.post(
            f"{base}/self-assessment",
            {"items": points(share), "evidence": {"3.2": ["创先争优制度.pdf"]}},
            self.stack.secretary(org_id),
        )
        await self.post(f"{base}/superior-assessment", {"items": points(share), "comment": "经实地核查"}, self.county)

    async def determine(self, cycle_id: str, org_id: str, status: int = 200, **body) -> dict:
        return await self.post(f"/cycles/{cycle_id}/orgs/{org_id}/determination", body, self.county, status)


async def test_two_year_grading_with_e8_ratio_rules_jinwei_shengji_and_replay(gstack):
    c, feed = Client(gstack), EvaluationsFeed(gstack)
    app = gstack["grading"].app

    # 2025 安排部署: five orgs of 长安区 are led locally; TAXB1 (mode c) is graded by the tax system (H3)
    y1 = await c.deploy(2025, "2025.1", ratio={"max_top": 0.2, "min_bottom": 0.2})
    assert y1["orgs_in_scope"] == 5
    cid = y1["cycle_id"]
    for org in ("VIL1", "VIL3", "VIL4", "VIL5", "WIN1"):
        await feed.completed(org, 2025, 80)  # 党员群众评议 (E8) arrives on the evaluations stream
    await feed.completed("VIL1", 2025, 10, purpose="democratic", subject_type="member", subject_id="M1")  # not E8
    await gstack.settle()
    for org, share in {"VIL1": 0.9, "VIL3": 0.95, "WIN1": 0.7, "VIL4": 0.7, "VIL5": 0.7}.items():
        await c.assess(cid, org, share)

    vil1 = await c.determine(cid, "VIL1")
    assert (vil1["grade"], vil1["score"], vil1["state"]) == ("先进", 88.5, "determined")  # 76.5 + 15 × 80% (E8)

    # G5: a second 先进 of five breaks the 20% cap — refused with the numbers, nothing recorded
    before = app.recorder.max_notification_id()
    refused = await c.determine(cid, "VIL3", 409)
    assert (refused["rule"], refused["top_limit"], refused["top_after"], refused["orgs_in_scope"]) == (
        "G5-max-top",
        1,
        2,
        5,
    )
    assert "先进比例" in refused["title_zh"] and refused["title_en"]
    assert app.recorder.max_notification_id() == before
    # … until the issuing authority records an override with its reason (a superior may not)
    await c.post(f"/cycles/{cid}/overrides", {"org_id": "VIL3", "grade": "先进", "reason": "全国文明村"}, c.county, 403)
    await c.post(f"/cycles/{cid}/overrides", {"org_id": "VIL3", "grade": "先进", "reason": "全国文明村"}, c.dept, 201)
    assert (await c.determine(cid, "VIL3"))["grade"] == "先进"
    for org in ("WIN1", "VIL4"):
        assert (await c.determine(cid, org))["grade"] == "一般"
    # the last org must be 后进 for the 20% minimum; its 71.5 points suggest 一般, so the superior says why
    refused = await c.determine(cid, "VIL5", 409)
    assert (refused["rule"], refused["bottom_needed"], refused["undetermined_after"]) == ("G5-min-bottom", 1, 0)
    vil5 = await c.determine(cid, "VIL5", grade="后进", reason="软弱涣散，群众反映问题较多")
    assert vil5["grade"] == "后进"

    # 整改提高 (G6): the plan's track follows the grade
    for org in ("VIL1", "VIL5"):
        base = f"/cycles/{cid}/orgs/{org}/rectification"
        plan = await c.post(
            base,
            {"problems": ["活动阵地不足"], "measures": ["新建党员活动室"], "due": "2026-03-31"},
            gstack.secretary(org),
        )
        assert plan["plan"]["track"] == {"VIL1": "巩固", "VIL5": "整顿"}[org]
        await c.post(f"{base}/progress", {"text": "已完成选址", "evidence": ["photo.jpg"]}, gstack.secretary(org))
    await gstack.settle()

    dist = await c.get("/reports/distribution", {"scope": SCOPE, "year": 2025}, c.dept)
    assert [(g["grade"], g["count"]) for g in dist["grades"]] == [("先进", 2), ("一般", 2), ("后进", 1)]
    overdue = await c.get("/reports/rectification-overdue", {"scope": SCOPE, "today": "2026-04-01"})
    assert [r["org_id"] for r in overdue["items"]] == ["VIL1", "VIL5"]

    # the stream holds five 定级确定, valid CloudEvents naming the scheme hash; VIL3's carries its override
    sub = await gstack["grading"].js.pull_subscribe("cxzy.grading.determined.>", stream="CXZY_GRADING")
    msgs = await sub.fetch(10, timeout=2)
    determined = {}
    for m in msgs:
        event = from_binary_event(HTTPMessage(headers=dict(m.headers), body=m.data))
        assert event.get_type() == "cn.cxzy.grading.determined.v1"
        env = Envelope.from_message(m.headers, m.data)
        gstack["grading"].spec.contract.validate(env)
        assert env.verify_link() and env.orgid == env.data["org_id"] and m.subject.endswith(f".{env.orgid}")
        determined[env.orgid] = env.data
    assert len(determined) == 5
    assert determined["VIL3"]["override"] == {"reason": "全国文明村", "by": "dept-130102"}
    assert determined["VIL1"]["override"] is None and determined["VIL1"]["advanced"] is True
    assert determined["VIL1"]["mass"]["score"] == 80 and determined["VIL1"]["ladder"] == ["先进", "一般", "后进"]
    old_hash = y1["schemes"]["农村"]["scheme_hash"]
    assert {d["scheme_hash"] for d in determined.values()} == {old_hash}

    # 2026: a stricter scheme (先进 ≥ 90); last year's rectification is accepted first (G8)
    y2 = await c.deploy(2026, "2026.1", ladder=STRICTER, ratio={"max_top": 0.4})
    cid2 = y2["cycle_id"]
    assert y2["schemes"]["农村"]["scheme_hash"] != old_hash
    for org in ("VIL1", "VIL5"):
        await feed.completed(org, 2026, 80)
    await gstack.settle()
    await c.assess(cid2, "VIL5", 0.7)
    await c.assess(cid2, "VIL1", 0.95)
    refused = await c.determine(cid2, "VIL5", 409)
    assert refused["type"].endswith("/grading-acceptance") and "G8" in refused["title_zh"]
    await c.post(f"/cycles/{cid2}/orgs/VIL5/acceptance", {"passed": True, "comment": "整顿到位"}, c.county)
    await c.post(f"/cycles/{cid2}/orgs/VIL1/acceptance", {"passed": False, "comment": "阵地未建成"}, c.county)
    assert (await c.determine(cid2, "VIL5"))["grade"] == "一般"
    refused = await c.determine(cid2, "VIL1", 409)  # 92.75 points, but last year's acceptance failed (G8)
    assert "G8" in refused["title_en"]
    assert (await c.determine(cid2, "VIL1", grade="一般", reason="上年整改验收未通过"))["grade"] == "一般"
    await gstack.settle()

    moves = await c.get("/reports/movements", {"scope": SCOPE, "year": 2026}, c.dept)
    assert ([r["org_id"] for r in moves["up"]], [r["org_id"] for r in moves["down"]]) == (["VIL5"], ["VIL1"])
    assert moves["up"][0] == {"org_id": "VIL5", "grade": "一般", "previous_grade": "后进"}
    ungraded = await c.get("/reports/ungraded", {"scope": SCOPE, "year": 2026})
    assert [(r["org_id"], r["leading_hierarchy"]) for r in ungraded["items"]] == [  # TAXB1: no tax cycle for 2026
        ("VIL3", "local"),
        ("VIL4", "local"),
        ("WIN1", "local"),
    ]

    # replay: rebuild the reports from sequence 1; the 2025 grades stand, made under the 2025 scheme
    rt = gstack["grading"]
    snapshot = rt.db.query("SELECT * FROM gr_grades ORDER BY cycle_id, org_id")
    await rt.stop()
    rt.runner("reports").reset()
    assert rt.db.query("SELECT * FROM gr_grades") == []
    await rt.start(gstack.nats.url, jobs=False)
    await gstack.settle()
    assert rt.db.query("SELECT * FROM gr_grades ORDER BY cycle_id, org_id") == snapshot
    old = await c.get(f"/schemes/{old_hash}")
    assert old["version"] == "2025.1"
    assert grade_for(old["scheme"]["ladder"], 88.5)[0] == "先进" == determined["VIL1"]["grade"]
    assert grade_for(canonical_ladder(STRICTER), 88.5)[0] == "一般"  # today's scheme would have said otherwise
