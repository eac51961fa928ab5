"""承诺台账 (P9): the org's ledger with filters (status, year, member) and paging, names not ids, and the same
rows as an Excel workbook (openpyxl) with Chinese headers."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Font

from .secretary_labels import PLEDGE, secretary_org
from .secretary_review import named_pledges
from .web import Api, ApiAs, Person, names_of, org_name, render

router = APIRouter()
PAGE = 20
EXPORT_BATCH = 500  # the API's largest page
COLUMNS = (  # (Chinese header, value of a named ledger row, width)
    ("承诺主体", lambda r: r["pledgers"], 18),
    ("承诺类型", lambda r: r["kind_zh"], 20),
    ("年度", lambda r: r["year"], 8),
    ("承诺事项", lambda r: "；".join(i["text"] for i in r["items"]), 50),
    ("五带头", lambda r: "、".join(sorted({t for i in r["items"] for t in i["tags"]})), 24),
    ("完成时限", lambda r: r["due"], 12),
    ("状态", lambda r: r["state_zh"], 14),
    ("逾期", lambda r: "是" if r["overdue"] else "否", 6),
    ("公开渠道", lambda r: r["channel"] or "", 12),
    ("进展报告次数", lambda r: r["progress_count"], 12),
    ("评议结果", lambda r: evaluation(r), 16),
)


def evaluation(row: dict) -> str:
    ev = row.get("evaluation")
    if not ev or ev.get("score") is None:
        return ""
    return f"{ev['grade']}（{ev['score']:g} 分）"


def filters(state: str, year: str, member: str) -> dict[str, Any]:
    """What the API is asked (only known states; a year of four digits)."""
    return {
        "state": state if state in PLEDGE else None,
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        "member": member or None,
    }


def members(request: Request, org: str) -> list[dict]:
    """The org's members from the directory, with their names: ``{"id", "name", "post"}``."""
    records = request.app.state.directory.members_of(org)
    names = names_of(request, [m.member_id for m in records])
    return [{"id": m.member_id, "name": names.get(m.member_id, m.member_id), "post": m.post} for m in records]


async def rows(request: Request, api: Api, org: str, wanted: dict, limit: int, offset: int) -> dict:
    page = await api.get(f"/api/pledges/orgs/{org}/ledger", **wanted, limit=limit, offset=offset)
    page["items"] = named_pledges(request, page["items"])
    return page


@router.get("/ledger", response_class=HTMLResponse)
async def ledger(
    request: Request, session: Person, api: ApiAs, state: str = "", year: str = "", member: str = "", page: int = 1
) -> HTMLResponse:
    org = secretary_org(session)
    wanted = filters(state, year, member)
    page = max(page, 1)
    found = await rows(request, api, org, wanted, PAGE, (page - 1) * PAGE)
    query = {k: v for k, v in {"state": state, "year": year, "member": member}.items() if v}
    pages = max((found["total"] + PAGE - 1) // PAGE, 1)
    return render(
        request,
        "secretary_ledger.html",
        org=org_name(request, org),
        found=found,
        typed={"state": state, "year": year, "member": member},
        states=PLEDGE,
        members=members(request, org),
        page=page,
        pages=pages,
        link=lambda n: "/ws/ledger?" + urlencode(query | {"page": n}),
        export="/ws/ledger.xlsx" + (f"?{urlencode(query)}" if query else ""),
        evaluation=evaluation,
    )


@router.get("/ledger.xlsx")
async def ledger_xlsx(request: Request, session: Person, api: ApiAs, state: str = "", year: str = "", member: str = ""):
    org = secretary_org(session)
    wanted, found, offset = filters(state, year, member), [], 0
    while True:
        batch = await rows(request, api, org, wanted, EXPORT_BATCH, offset)
        found += batch["items"]
        offset += EXPORT_BATCH
        if offset >= batch["total"]:
            break
    book = Workbook()
    sheet = book.active
    sheet.title = "承诺台账"
    sheet.append([f"{org_name(request, org)} 承诺台账"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([header for header, _, _ in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in found:
        sheet.append([value(r) for _, value, _ in COLUMNS])
    for i, (_, _, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename*=UTF-8''%E6%89%BF%E8%AF%BA%E5%8F%B0%E8%B4%A6.xlsx"},
    )
