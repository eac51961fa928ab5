"""What the 分类定级 pages share: Chinese labels of the API's codes (in ONE place), the G5 meter in numbers,
the cycle as the officer sees it, and an Excel sheet."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from ..web import Api, org_name

STATES = {  # OrgGrading.state (services/grading/domain.py)
    "assessing": "评定中",
    "determined": "已定级",
    "rectifying": "整改中",
    "accepted": "已验收",
}
TRACKS = {"巩固": "巩固先进", "推动": "推动一般", "整顿": "整顿后进"}  # G6
MODES = {"a": "属地管理", "b": "组织关系属地、业务垂直", "c": "垂直管理"}  # H2
MOVES = {"up": "晋位", "down": "降位", "same": "持平", "new": "首次定级"}  # G7


def meter(cycle: dict) -> dict[str, Any]:
    """G5 for the cycle in numbers: 先进 places left and 后进 still needed (from the API's tally and limits)."""
    n, tally, limits = cycle["orgs_in_scope"], cycle["tally"], cycle["limits"]
    top_limit = limits["top_limit"]
    return {
        "orgs": n,
        "determined": tally["determined"],
        "undetermined": max(0, n - tally["determined"]),
        "top": tally["top"],
        "top_limit": top_limit,
        "top_left": None if top_limit is None else max(0, top_limit - tally["top"]),
        "bottom": tally["bottom"],
        "bottom_needed": limits["bottom_needed"],
        "bottom_missing": max(0, limits["bottom_needed"] - tally["bottom"]),
        "max_top": cycle["ratio"].get("max_top"),
        "min_bottom": cycle["ratio"].get("min_bottom"),
    }


def percent(share: float | None) -> str:
    return "不限" if share is None else f"{share * 100:g}%"


async def cycle_of(request: Request, api: Api, cycle_id: str) -> dict[str, Any]:
    """The cycle (GET /api/grading/cycles/{id}) with its issuer's name and G5 meter."""
    cycle = await api.get(f"/api/grading/cycles/{cycle_id}")
    return cycle | {"issuer": org_name(request, cycle["issuer_org_id"]), "meter": meter(cycle)}


def ladder_of(cycle: dict, domain: str | None = None) -> list[str]:
    """The grades of one domain's ladder, or of every domain's, best first, without repeats."""
    grades: list[str] = []
    for name, scheme in cycle["schemes"].items():
        if domain in (None, name):
            grades += [r["grade"] for r in scheme["ladder"] if r["grade"] not in grades]
    return grades


def xlsx(title: str, headers: list[str], rows: list[list[Any]], filename: str) -> Response:
    """One sheet: a bold title line, a bold header line, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for i in range(len(headers)):
        sheet.column_dimensions[chr(ord("A") + i)].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
