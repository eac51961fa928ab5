"""The figures of the officers' dashboards 统计分析 (issue 14), each a :class:`Table` — the same rows feed the
page's table, its ECharts chart and its Excel export. Every number comes from the services' JSON API called as
the officer (H4: a scope they do not hold is the API's refusal); sub-scopes and names come from the directory
replica, one level below the scope shown, so each row drills down to the same dashboard one level deeper."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from shared.scope import Scope

from .web import Api, Refused, names_of, org_name

NOT_GRADED_BEFORE = "上年未定级"
THREE_RUNGS = ("先进", "一般", "后进")  # G2's default ladder
MOVES = {"up": "晋位", "down": "降位", "same": "持平", "new": "新定级"}  # G7, the API's keys in Chinese
CONTESTS = {"skill": "比技能", "conduct": "比作风", "results": "比业绩"}  # E3 三比


class Rate(float):
    """A share 0–1: shown as a percentage on the page and formatted as one in Excel."""


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row: the dashboard one level down
    chart: dict | None = None
    note: str = ""

    def add(self, row: list[Any], link: str | None = None) -> None:
        self.rows.append(row)
        self.links.append(link)


@dataclass(frozen=True)
class Area:
    """A scope shown on the dashboard: its text (``local:13/1301``), its name and its drill-down link."""

    scope: str
    name: str
    link: str | None = None


def area_name(request: Request, scope: Scope) -> str:
    """The committee standing at the scope's path in its hierarchy (长安区委), else any org there, else the path."""
    directory = request.app.state.directory
    path = "/".join(scope.path)
    if not path:
        return "全国" if scope.hierarchy == "local" else str(scope)
    led = sorted(directory.leading_orgs_at(scope.hierarchy, path), key=directory.is_base_org)  # committees first
    if led:
        return led[0].name
    column = "local_path" if scope.hierarchy == "local" else "vertical_path"
    there = [o for o in directory.orgs_in(scope) if getattr(o, column) == path]
    return there[0].name if there else str(scope)


def sub_areas(request: Request, scope: Scope, year: int) -> list[Area]:
    """The scopes one level below ``scope`` that hold orgs, named from the directory."""
    column = "local_path" if scope.hierarchy == "local" else "vertical_path"
    depth = len(scope.path)
    paths = sorted(
        {
            tuple(p.split("/"))[: depth + 1]
            for o in request.app.state.directory.orgs_in(scope)
            if len((p := getattr(o, column)).split("/")) > depth
        }
    )
    areas = []
    for path in paths:
        sub = Scope(scope.hierarchy, path)
        areas.append(
            Area(str(sub), area_name(request, sub), "/ws/dashboard?" + urlencode({"scope": sub, "year": year}))
        )
    return areas


def share(part: int, whole: int) -> Rate | None:
    return Rate(round(part / whole, 4)) if whole else None


async def grade_table(api: Api, whole: Area, areas: list[Area], year: int) -> Table:
    """等次分布 (G5) of the scope and of each sub-scope, from ``/api/grading/reports/distribution``."""
    found = [(a, await api.get("/api/grading/reports/distribution", scope=a.scope, year=year)) for a in [whole, *areas]]
    ladder = sorted({(g["rank"], g["grade"]) for _, d in found for g in d["grades"]})
    grades = [g for _, g in ladder]
    if set(grades) <= set(THREE_RUNGS):  # the default ladder shows all its rungs, even empty ones
        grades = list(THREE_RUNGS)
    table = Table("grades", f"{year}年等次分布", ["范围", "已定级", *grades, "先进占比"], note="G5")
    for area, d in found:
        counts = {g["grade"]: g["count"] for g in d["grades"]}
        name = "合计（" + area.name + "）" if area is whole else area.name
        share_ = Rate(d["advanced_share"]) if d["advanced_share"] is not None else None
        table.add([name, d["determined"], *[counts.get(g, 0) for g in grades], share_], area.link)
    shown = table.rows[1:] or table.rows
    table.chart = {
        "kind": "bar",
        "stack": True,
        "categories": [r[0] for r in shown],
        "series": [{"name": g, "data": [r[2 + i] for r in shown]} for i, g in enumerate(grades)],
    }
    return table


async def movement_table(request: Request, api: Api, whole: Area, year: int) -> Table:
    """晋位升级 (G7): each org's grade last year and this year, from ``/api/grading/reports/movements``."""
    moves = await api.get("/api/grading/reports/movements", scope=whole.scope, year=year)
    table = Table("movements", f"{year - 1}—{year}年晋位升级", ["组织", f"{year - 1}年等次", f"{year}年等次", "变化"])
    flows: dict[tuple[str, str], int] = {}
    for key, label in MOVES.items():
        for row in moves[key]:
            before = row["previous_grade"] or NOT_GRADED_BEFORE
            table.add([org_name(request, row["org_id"]), before, row["grade"], label])
            pair = (f"{year - 1}年·{before}", f"{year}年·{row['grade']}")
            flows[pair] = flows.get(pair, 0) + 1
    nodes = sorted({n for pair in flows for n in pair})
    table.chart = {
        "kind": "sankey",
        "nodes": [{"name": n} for n in nodes],
        "links": [{"source": s, "target": t, "value": v} for (s, t), v in sorted(flows.items())],
    }
    return table


async def pledge_table(api: Api, whole: Area, areas: list[Area], year: int) -> Table:
    """践诺率 and 督促率 (P4) per sub-scope, from ``/api/pledges/reports/fulfilment``."""
    columns = ["范围", "台账承诺", "已践诺", "未兑现", "履诺中", "逾期", "已督促", "逾期未督促", "践诺率", "督促率"]
    table = Table("pledges", f"{year}年承诺践诺与督促", columns, note="P4")
    keys = ("in_ledger", "completed", "unfulfilled", "open", "overdue", "reminded", "overdue_unreminded")
    for area in [whole, *areas]:
        d = await api.get("/api/pledges/reports/fulfilment", scope=area.scope, year=year)
        rates = [Rate(d[k]) if d[k] is not None else None for k in ("fulfilment_rate", "reminder_rate")]
        name = "合计（" + area.name + "）" if area is whole else area.name
        table.add([name, *[d[k] for k in keys], *rates], area.link)
    shown = table.rows[1:] or table.rows
    table.chart = {
        "kind": "bar",
        "percent": True,
        "categories": [r[0] for r in shown],
        "series": [{"name": c, "data": [r[8 + i] for r in shown]} for i, c in enumerate(("践诺率", "督促率"))],
    }
    return table


async def all_rounds(api: Api, scope: str, year: int, **filters: Any) -> list[dict]:
    """Every evaluation round of a scope and year (``/api/evaluations/results``, page by page)."""
    items: list[dict] = []
    while True:
        page = await api.get(
            "/api/evaluations/results", scope=scope, year=year, limit=500, offset=len(items), **filters
        )
        items += page["items"]
        if not page["items"] or len(items) >= page["total"]:
            return items


async def participation_table(api: Api, whole: Area, areas: list[Area], year: int) -> Table:
    """评议参与 (E6): rounds by state and 参与面 (raters over the eligible) of the closed rounds."""
    columns = ["范围", "评议轮次", "已完成", "参与不足", "进行中", "应参与", "实参与", "参与率"]
    table = Table("participation", f"{year}年评议参与", columns, note="E6")
    for area in [whole, *areas]:
        rounds = await all_rounds(api, area.scope, year)
        state = Counter(r["state"] for r in rounds)
        closed = [r["participation"] for r in rounds if r.get("participation")]
        eligible, took = sum(p["eligible"] for p in closed), sum(p["participated"] for p in closed)
        name = "合计（" + area.name + "）" if area is whole else area.name
        row = [
            name,
            len(rounds),
            state["completed"],
            state["lapsed"],
            state["open"],
            eligible,
            took,
            share(took, eligible),
        ]
        table.add(row, area.link)
    shown = table.rows[1:] or table.rows
    table.chart = {
        "kind": "bar",
        "percent": True,
        "categories": [r[0] for r in shown],
        "series": [{"name": "参与率", "data": [r[7] for r in shown]}],
    }
    return table


async def window_names(api: Api, org_ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for org_id in sorted(org_ids):
        try:
            names |= {
                w["window_id"]: w["name"] for w in (await api.get(f"/api/evaluations/orgs/{org_id}/windows"))["items"]
            }
        except Refused:  # a window the caller may not list: its id stands in for its name
            continue
    return names


async def window_table(request: Request, api: Api, whole: Area, year: int) -> Table:
    """窗口满意度 (E4, E5): the completed 窗口三评 rounds of the year, best score first (equal scores share a rank)."""
    rounds = [r for r in await all_rounds(api, whole.scope, year, purpose="window", state="completed")]
    rounds.sort(key=lambda r: (-(r["score"] or 0), r["subject_id"]))
    names = await window_names(api, {r["org_id"] for r in rounds})
    table = Table("windows", f"{year}年窗口满意度排名", ["名次", "窗口", "所属组织", "满意度得分", "等次"], note="E5")
    for i, r in enumerate(rounds):
        rank = table.rows[-1][0] if i and r["score"] == rounds[i - 1]["score"] else i + 1
        table.add(
            [rank, names.get(r["subject_id"], r["subject_id"]), org_name(request, r["org_id"]), r["score"], r["grade"]]
        )
    top = table.rows[:15]
    table.chart = {
        "kind": "hbar",
        "categories": [r[1] for r in top][::-1],
        "series": [{"name": "满意度得分", "data": [r[3] for r in top][::-1]}],
    }
    return table


async def contest_table(request: Request, api: Api, whole: Area, contest: str, label: str) -> Table:
    """三比 (E3): one contest round's ranking within the scope, from ``/api/evaluations/contests/ranking``."""
    ranked = await api.get("/api/evaluations/contests/ranking", scope=whole.scope, contest=contest, label=label)
    names = await window_names(api, {r["org_id"] for r in ranked["items"]})
    title = f"三比排名·{ranked['contest_zh']}·{label}"
    table = Table("contest", title, ["名次", "窗口", "所属组织", "对象", "得分"], note="E3")
    people = names_of(request, {r["target_id"] for r in ranked["items"]})  # a member, or the window itself
    for r in ranked["items"]:
        window = names.get(r["window_id"], r["window_id"])
        target = people.get(r["target_id"]) or names.get(r["target_id"], r["target_id"])
        table.add([r["rank"], window, org_name(request, r["org_id"]), target, r["score"]])
    table.chart = {
        "kind": "hbar",
        "categories": [f"{r[1]}·{r[3]}" for r in table.rows[:15]][::-1],
        "series": [{"name": "得分", "data": [r[4] for r in table.rows[:15]][::-1]}],
    }
    return table
