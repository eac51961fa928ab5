"""统计分析 and 实时动态 over real HTTP (issue 14; G5, G7, P4, E6, H3, H4): the dashboards' tables hold the API's
numbers, drill down the tree, export to Excel; scopes the officer does not hold are refused in Chinese; the live
feed relays the service's SSE feed as the logged-in officer, in Chinese."""

from __future__ import annotations

import asyncio
import io
import json
import re

from openpyxl import load_workbook

from tests.workspace.conftest import login
from tests.workspace.dashboard_setup import COUNTY, dashboard_state

CELL = re.compile(r"<td[^>]*>(?:<a [^>]*>)?(.*?)(?:</a>)?</td>", re.S)


def table(html: str, key: str) -> list[list[str]]:
    """The rows of one dashboard table as the page shows them."""
    body = re.search(rf'<table class="stack" id="table-{key}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no table {key}"
    return [CELL.findall(row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def pct(rate) -> str:
    return "—" if rate is None else f"{rate:.1%}"


async def test_county_tables_hold_the_apis_numbers_and_export_them(ws):
    await dashboard_state(ws)
    county = await login(ws, "county")
    page = await county.get("/ws/dashboard", params={"year": 2026})
    assert page.status_code == 200, page.text
    html = page.text
    assert "统计分析 · 长安区委" in html and 'src="/ws/vendor/echarts/echarts.min.js"' in html
    api = ws.token("superior", "check", [COUNTY])

    # 等次分布 (G5): the total and each village, as /api/grading/reports/distribution says
    grades = table(html, "grades")
    for row, scope in zip(grades, [COUNTY, f"{COUNTY}/130102001", f"{COUNTY}/130102002"], strict=True):
        d = (
            await ws.http.get("/api/grading/reports/distribution", params={"scope": scope, "year": 2026}, headers=api)
        ).json()
        counts = {g["grade"]: g["count"] for g in d["grades"]}
        assert row[1:] == [
            str(d["determined"]),
            *[str(counts.get(g, 0)) for g in ("先进", "一般", "后进")],
            pct(d["advanced_share"]),
        ]
    assert [r[0] for r in grades] == ["合计（长安区委）", "一村党支部", "政务窗口党支部"]
    assert grades[0][1:5] == ["2", "0", "2", "0"]
    assert 'href="/ws/dashboard?scope=local%3A13%2F1301%2F130102%2F130102001&amp;year=2026"' in html  # drill down

    # 晋位升级 (G7): per org, named, and the sankey's flows from last year's grades to this year's
    assert sorted(table(html, "movements")) == [
        ["一村党支部", "先进", "一般", "降位"],
        ["政务窗口党支部", "后进", "一般", "晋位"],
    ]
    sankey = json.loads(re.search(r'id="chart-movements">(.*?)</script>', html, re.S).group(1))
    assert {(link["source"], link["target"], link["value"]) for link in sankey["links"]} == {
        ("2025年·先进", "2026年·一般", 1),
        ("2025年·后进", "2026年·一般", 1),
    }

    # 践诺 and 督促 (P4): the new per-scope report of the pledges API
    f = (
        await ws.http.get("/api/pledges/reports/fulfilment", params={"scope": COUNTY, "year": 2026}, headers=api)
    ).json()
    total = table(html, "pledges")[0]
    keys = ("in_ledger", "completed", "unfulfilled", "open", "overdue", "reminded", "overdue_unreminded")
    assert total[1:] == [*[str(f[k]) for k in keys], pct(f["fulfilment_rate"]), pct(f["reminder_rate"])]
    assert f["completed"] >= 1

    # 评议参与 (E6): rounds of the scope and year, as /api/evaluations/results counts them
    r = (await ws.http.get("/api/evaluations/results", params={"scope": COUNTY, "year": 2026}, headers=api)).json()
    assert table(html, "participation")[0][1] == str(r["total"])

    # Excel: the same rows, rates as numbers formatted as percentages
    xlsx = await county.get("/ws/dashboard/export", params={"table": "grades", "year": 2026})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "长安区委 · 2026年等次分布" and rows[1] == (
        "范围",
        "已定级",
        "先进",
        "一般",
        "后进",
        "先进占比",
    )
    assert rows[2] == ("合计（长安区委）", 2, 0, 2, 0, 0) and sheet["F3"].number_format == "0.0%"
    y2025 = load_workbook(
        io.BytesIO((await county.get("/ws/dashboard/export", params={"table": "grades", "year": 2025})).content)
    )
    assert list(y2025.active.iter_rows(values_only=True))[2] == ("合计（长安区委）", 2, 1, 0, 1, 0.5)


async def test_contest_ranking_of_the_windows_names_people_as_the_api_ranks_them(ws):
    await dashboard_state(ws)
    county = await login(ws, "county")
    params = {"year": 2026, "contest": "skill", "label": "2026-Q1"}
    html = (await county.get("/ws/dashboard", params=params)).text
    api = ws.token("superior", "check", [COUNTY])
    ranked = await ws.http.get(
        "/api/evaluations/contests/ranking",
        params={"scope": COUNTY, "contest": "skill", "label": "2026-Q1"},
        headers=api,
    )
    expected = [
        [str(r["rank"]), r["window_id"], r["org_id"], r["target_id"], f"{r['score']:g}"] for r in ranked.json()["items"]
    ]
    assert [
        [r[0], "WIN1-A", "WIN1", {"吴丽": "M10", "徐强": "M11"}[r[3]], r[4]] for r in table(html, "contest")
    ] == expected
    assert table(html, "contest")[0] == ["1", "政务服务窗口", "政务窗口党支部", "吴丽", "92"]
    assert "三比排名·比技能·2026-Q1" in html
    assert 'id="table-contest"' not in (await county.get("/ws/dashboard", params={"year": 2026})).text


async def test_city_drills_down_and_a_guiding_superior_sees(ws):
    await dashboard_state(ws)
    city = await login(ws, "dash-city")
    html = (await city.get("/ws/dashboard", params={"year": 2026})).text
    assert [r[0] for r in table(html, "grades")] == ["合计（市委）", "长安区委", "桥西区委"]
    down = await city.get("/ws/dashboard", params={"scope": COUNTY, "year": 2026})
    assert down.status_code == 200 and "市委</a> › <strong>长安区委</strong>" in down.text  # the way back up
    assert table(down.text, "grades")[0][1] == "2"

    tax = await login(ws, "dash-tax")  # 省税务局党委: leads TAXB1 (mode c); the county only guides it (H3)
    html = (await tax.get("/ws/dashboard", params={"year": 2026})).text
    assert "统计分析 · 省税务局党委" in html and table(html, "grades")[0][1] == "0"


async def test_scopes_not_held_and_bad_filters_are_refused_in_chinese(ws):
    await dashboard_state(ws)
    county = await login(ws, "county")
    r = await county.get("/ws/dashboard", params={"scope": "local:13/1301"})
    assert r.status_code == 403 and "无权" in r.text and 'id="table-grades"' not in r.text
    r = await county.get("/ws/dashboard/export", params={"scope": "local:13", "table": "grades"})
    assert r.status_code == 403 and "content-disposition" not in r.headers
    assert (await county.get("/ws/dashboard", params={"scope": "13/1301"})).status_code == 422
    r = await county.get("/ws/dashboard", params={"year": "去年"})
    assert r.status_code == 422 and "请填写 2000—2100 之间的年份" in r.text
    member = await login(ws, "zhangwei")
    r = await member.get("/ws/dashboard")
    assert r.status_code == 403 and "没有管辖范围" in r.text
    r = await county.get("/ws/feed", params={"scope": "vertical:tax/13"})
    assert r.status_code == 403 and "无权" in r.text
    r = await county.get("/ws/feed/stream", params={"service": "nope", "scope": COUNTY})
    assert r.status_code == 404 and "没有“nope”这项服务的动态" in r.text


async def test_the_feed_relays_a_pledge_proposed_after_it_opened_in_chinese(ws):
    await dashboard_state(ws)
    county = await login(ws, "county")
    assert "实时动态" in (await county.get("/ws/feed")).text
    params = {"service": "pledges", "scope": COUNTY}
    async with county.stream("GET", "/ws/feed/stream", params=params, timeout=20) as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert (await anext(lines)).startswith(":")  # the feed's greeting: it is open
        body = {
            "org_id": "WIN1",
            "pledger_kind": "individual",
            "member_ids": ["M10"],
            "kind": "annual",
            "items": [{"text": "窗口服务零差评", "tags": ["带头服务群众"]}],
        }
        r = await ws.http.post("/api/pledges/pledges", json=body, headers=ws.member("M10", "WIN1"))
        assert r.status_code == 201, r.text

        async def first_event() -> dict:
            async for line in lines:
                if line.startswith("data: "):
                    return json.loads(line[6:])

        event = await asyncio.wait_for(first_event(), 15)
    assert (event["title_zh"], event["org_name"], event["orgid"]) == ("承诺提出", "政务窗口党支部", "WIN1")
    assert event["type"] == "cn.cxzy.pledges.proposed.v1" and event["service"] == "pledges"
