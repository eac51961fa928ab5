"""统计分析 — the officers' dashboards (issue 14): per scope of either hierarchy (H1), for a leading or a guiding
superior alike (H3: seeing is not deciding), filterable by year, drilling down the tree. Each figure is a table
(:mod:`workspace.dashboard_data`) drawn as an ECharts chart by ``static/dashboard.js`` and exported to Excel."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from shared.scope import Scope, ScopeError

from . import dashboard_data as data
from .web import ApiAs, Person, Refused, render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refuse(status: int, zh: str, en: str) -> Refused:
    return Refused(status, {"type": "dashboard", "title_zh": zh, "title_en": en})


def this_year(request: Request) -> int:
    """The services' today (a demo clock in development), else the calendar's."""
    for rt in request.app.state.runtimes.values():
        return rt.app.today().year
    return dt.date.today().year


def chosen(request: Request, session: Person, scope: str, year: str) -> tuple[Scope, int]:
    """The scope and year asked for; no scope means the first the officer holds. Holding it is the API's call."""
    held = list(session.account.scopes)
    if not held:
        raise refuse(403, "统计分析供上级党组织、组织部门和审计人员使用；您的账号没有管辖范围", "no scopes held")
    try:
        parsed = Scope.parse(scope or held[0])
    except ScopeError:
        raise refuse(422, f"范围“{scope}”格式不正确，请从页面上的范围列表中选择", "malformed scope") from None
    if not year:
        return parsed, this_year(request)
    if not (year.isdigit() and 2000 <= int(year) <= 2100):
        raise refuse(422, f"年度“{year}”不正确，请填写 2000—2100 之间的年份，例如 {this_year(request)}", "bad year")
    return parsed, int(year)


def trail(request: Request, session: Person, scope: Scope, year: int) -> list[data.Area]:
    """From the held scope that contains ``scope`` down to it: the way back up the tree."""
    for text in session.account.scopes:
        top = Scope.parse(text)
        if scope.within(top):
            return [
                data.Area(str(s), data.area_name(request, s), "/ws/dashboard?" + urlencode({"scope": s, "year": year}))
                for s in (Scope(scope.hierarchy, scope.path[:n]) for n in range(len(top.path), len(scope.path) + 1))
            ]
    return [data.Area(str(scope), data.area_name(request, scope))]


async def tables(request: Request, api: ApiAs, scope: Scope, year: int, contest: str, label: str) -> list[data.Table]:
    whole = data.Area(str(scope), data.area_name(request, scope))
    areas = data.sub_areas(request, scope, year)
    found = [
        await data.grade_table(api, whole, areas, year),
        await data.movement_table(request, api, whole, year),
        await data.pledge_table(api, whole, areas, year),
        await data.participation_table(api, whole, areas, year),
        await data.window_table(request, api, whole, year),
    ]
    if contest in data.CONTESTS and label.strip():
        found.append(await data.contest_table(request, api, whole, contest, label.strip()))
    return found


@router.get("/dashboard")
async def dashboard(
    request: Request, session: Person, api: ApiAs, scope: str = "", year: str = "", contest: str = "", label: str = ""
):
    chosen_scope, chosen_year = chosen(request, session, scope, year)
    found = await tables(request, api, chosen_scope, chosen_year, contest, label)
    query = {"scope": str(chosen_scope), "year": chosen_year, "contest": contest, "label": label}
    return render(
        request,
        "dashboard.html",
        tables=found,
        scope=str(chosen_scope),
        year=chosen_year,
        contest=contest,
        label=label,
        contests=data.CONTESTS,
        held=[(s, data.area_name(request, Scope.parse(s))) for s in session.account.scopes],
        trail=trail(request, session, chosen_scope, chosen_year),
        export=lambda key: "/ws/dashboard/export?" + urlencode(query | {"table": key}),
        cell=shown,
    )


def shown(value) -> str:
    """A cell on the page: rates as percentages, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, data.Rate):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def workbook(table: data.Table, heading: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(table.columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, data.Rate):
                cell.number_format = "0.0%"
    for i, column in enumerate(table.columns, start=1):
        width = max(len(str(column)), *(len(shown(r[i - 1])) for r in table.rows)) if table.rows else len(column)
        sheet.column_dimensions[sheet.cell(row=2, column=i).column_letter].width = min(40, 4 + width * 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@router.get("/dashboard/export")
async def export(
    request: Request,
    session: Person,
    api: ApiAs,
    table: str = "",
    scope: str = "",
    year: str = "",
    contest: str = "",
    label: str = "",
):
    chosen_scope, chosen_year = chosen(request, session, scope, year)
    found = {t.key: t for t in await tables(request, api, chosen_scope, chosen_year, contest, label)}
    if table not in found:
        raise refuse(404, "没有这张统计表，请回到统计分析页面点击表格下方的“导出 Excel”", "no such table")
    name = data.area_name(request, chosen_scope)
    body = workbook(found[table], f"{name} · {found[table].title}")
    filename = quote(f"{name}-{found[table].title}.xlsx")
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})
