"""整改提高 and 考核验收 (G6, G8), the reports of a cycle (等次分布 G5, 晋位升级 G7, 未定级, 整改逾期 G6) with
their Excel exports, and the printable 定级结果通知 of one org."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.errors import NotFound
from shared.scope import Scope

from ..web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render
from .grading_common import MOVES, TRACKS, cycle_of, xlsx
from .grading_cycle import grading_of, queue_of

router = APIRouter()
REPORTS = {  # name → (title, headers)
    "distribution": ("等次分布", ["等次", "组织数"]),
    "movements": ("晋位升级", ["组织", "本年等次", "上年等次", "变化"]),
    "ungraded": ("未定级组织", ["组织", "领域"]),
    "overdue": ("整改逾期", ["组织", "年度", "整改类型", "完成期限", "进展报告次数"]),
}


def report_scope(request: Request, cycle: dict) -> str:
    """The cycle's scope when the officer holds it, else the officer's own (a guiding superior's view, H4)."""
    scopes = request.state.session.account.scopes
    wanted = Scope.parse(cycle["scope"])
    return cycle["scope"] if any(wanted.within(Scope.parse(s)) for s in scopes) else scopes[0]


async def report_rows(request: Request, api: Api, cycle: dict, name: str) -> list[list[Any]]:
    """One report as rows of the table and the sheet (org names, Chinese labels)."""
    scope, year = report_scope(request, cycle), cycle["year"]
    if name == "distribution":
        found = await api.get("/api/grading/reports/distribution", scope=scope, year=year)
        return [[g["grade"], g["count"]] for g in found["grades"]]
    if name == "movements":
        found = await api.get("/api/grading/reports/movements", scope=scope, year=year)
        return [
            [org_name(request, r["org_id"]), r["grade"], r["previous_grade"] or "—", label]
            for move, label in MOVES.items()
            for r in found[move]
        ]
    if name == "ungraded":
        found = await api.get("/api/grading/reports/ungraded", scope=scope, year=year)
        return [[org_name(request, r["org_id"]), r["domain"]] for r in found["items"]]
    if name == "overdue":
        found = await api.get("/api/grading/reports/rectification-overdue", scope=scope)
        return [
            [
                org_name(request, r["org_id"]),
                r["year"],
                TRACKS.get(r["track"], r["track"]),
                r["due"],
                r["progress_count"],
            ]
            for r in found["items"]
        ]
    raise NotFound(f"no report {name}", slug="report-not-found", title_zh="没有这份报表", title_en="No such report")


@router.get("/cycles/{cycle_id}/reports", response_class=HTMLResponse)
async def reports(request: Request, session: Person, api: ApiAs, cycle_id: str) -> HTMLResponse:
    cycle = await cycle_of(request, api, cycle_id)
    tables = {
        name: (title, headers, await report_rows(request, api, cycle, name))
        for name, (title, headers) in REPORTS.items()
    }
    return render(request, "console_grading_reports.html", cycle=cycle, tables=tables)


@router.get("/cycles/{cycle_id}/reports/{name}.xlsx")
async def export(request: Request, session: Person, api: ApiAs, cycle_id: str, name: str):
    cycle = await cycle_of(request, api, cycle_id)
    title, headers = REPORTS.get(name) or ("", [])
    rows = await report_rows(request, api, cycle, name)
    full = f"{cycle['issuer']} {cycle['year']} 年度{title}"
    return xlsx(full, headers, rows, f"{cycle['year']}年度{title}.xlsx")


async def previous_cycle(api: Api, cycle: dict) -> dict | None:
    """Last year's cycle of the same scope: its rectification is accepted in this one (G8)."""
    for c in (await api.get("/api/grading/cycles"))["items"]:
        if c["scope"] == cycle["scope"] and c["year"] == cycle["year"] - 1:
            return c
    return None


async def rectification_page(request: Request, api: Api, cycle_id: str, status: int = 200, **context: Any):
    cycle = await cycle_of(request, api, cycle_id)
    queue = await queue_of(request, api, cycle_id)
    by_track: dict[str, list] = {label: [] for label in TRACKS.values()} | {"尚未制定整改方案": []}
    for row in queue:
        if row["grade"]:
            by_track[TRACKS.get(str((row["plan"] or {}).get("track")), "尚未制定整改方案")].append(row)
    previous = await previous_cycle(api, cycle)
    to_accept = [r for r in await queue_of(request, api, previous["cycle_id"]) if r["plan"]] if previous else []
    overdue = await report_rows(request, api, cycle, "overdue")
    return render(
        request,
        "console_grading_rectification.html",
        status=status,
        cycle=cycle,
        by_track=by_track,
        previous=previous,
        to_accept=to_accept,
        overdue=overdue,
        typed=context.pop("typed", {}),
        errors=context.pop("errors", {}),
        **context,
    )


@router.get("/cycles/{cycle_id}/rectification", response_class=HTMLResponse)
async def rectification(request: Request, session: Person, api: ApiAs, cycle_id: str, notice: str = ""):
    return await rectification_page(request, api, cycle_id, notice=notice)


@router.post("/cycles/{cycle_id}/orgs/{org_id}/acceptance", response_class=HTMLResponse)
async def accept(request: Request, session: Person, api: ApiAs, form: Form, cycle_id: str, org_id: str):
    """考核验收 (G8) in this cycle of last year's rectification: passed or not, with a comment."""
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    if typed.get("passed") not in ("yes", "no") or not typed.get("comment"):
        error = "请选择验收结论并填写验收意见"
        return await rectification_page(
            request, api, cycle_id, 422, typed=typed | {"org": org_id}, errors={org_id: error}
        )
    body = {"passed": typed["passed"] == "yes", "comment": typed["comment"]}
    try:
        await api.post(f"/api/grading/cycles/{cycle_id}/orgs/{org_id}/acceptance", body)
    except Refused as exc:
        return await rectification_page(
            request, api, cycle_id, exc.status, typed=typed | {"org": org_id}, errors={org_id: exc.zh}
        )
    verdict = "通过" if body["passed"] else "未通过"
    return redirect(f"/ws/cycles/{cycle_id}/rectification", notice=f"{org_name(request, org_id)}整改验收{verdict}")


@router.get("/cycles/{cycle_id}/orgs/{org_id}/notice", response_class=HTMLResponse)
async def notice(request: Request, session: Person, api: ApiAs, cycle_id: str, org_id: str) -> HTMLResponse:
    """定级结果通知: issuing unit, year, org, grade and date, one printed page."""
    cycle = await cycle_of(request, api, cycle_id)
    grading = await grading_of(api, cycle_id, org_id)
    if not grading.get("grade"):
        raise Refused(409, {"title_zh": f"{org_name(request, org_id)}尚未定级确定，定级后才能打印定级结果通知"})
    return render(
        request,
        "console_grading_notice.html",
        cycle=cycle,
        org=org_name(request, org_id),
        grading=grading,
        today=dt.date.today().isoformat(),
    )
