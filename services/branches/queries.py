"""Read queries of branch life's read models (the projections write them)."""

from __future__ import annotations

import json

from shared.db import Database
from shared.directory.replica import DirectoryView
from shared.scope import Scope


def institution_row(row: dict) -> dict:
    return {**row, "focus": json.loads(row["focus"]), "measures": json.loads(row["measures"])}


def board(db: Database, org_id: str) -> list[dict]:
    """党务公开栏 (B1 公之于众): the org's published institutions, their current versions."""
    rows = db.query("SELECT * FROM br_institutions WHERE org_id = ? ORDER BY number", [org_id])
    return [institution_row(r) for r in rows]


def branches_in(directory: DirectoryView, scope: Scope) -> list:
    """The base orgs of a scope that no org reports to (a township 党委 standing at its branches' path is not one)."""
    parents = {r["parent_id"] for r in directory.db.query("SELECT DISTINCT parent_id FROM dir_orgs") if r["parent_id"]}
    return [o for o in directory.orgs_in(scope) if directory.is_base_org(o) and o.org_id not in parents]


def summary_table(db: Database, directory: DirectoryView, scope: Scope) -> dict:
    """汇总表 (B2, seed 003 附件二): every base org of the scope with its published institutions; those without one
    are listed (and counted) so a superior sees where to guide."""
    where, params = scope.sql_filter("o.local_path", "o.vertical_path")
    orgs = branches_in(directory, scope)
    published: dict[str, list[dict]] = {}
    for r in db.query(
        f"SELECT i.org_id, i.institution_id, i.title, i.version, i.published_on FROM br_institutions i "
        f"JOIN dir_orgs o ON o.org_id = i.org_id WHERE {where} ORDER BY i.org_id, i.number",
        params,
    ):
        published.setdefault(r["org_id"], []).append(
            {k: r[k] for k in ("institution_id", "title", "version", "published_on")}
        )
    rows = [
        {"org_id": o.org_id, "name": o.name, "domain": o.domain, "institutions": published.get(o.org_id, [])}
        for o in orgs
    ]
    return {
        "scope": str(scope),
        "branches": len(rows),
        "without_institution": sum(1 for r in rows if not r["institutions"]),
        "rows": rows,
    }


def submissions(db: Database, directory: DirectoryView, call: dict) -> dict:
    """B5: who of the call's scope has submitted its summary and who has not (branches; members per branch)."""
    scope = Scope.parse(call["scope"])
    summaries = db.query("SELECT * FROM br_summaries WHERE call_id = ? ORDER BY org_id, author_id", [call["call_id"]])
    by_author = {(s["author_kind"], s["author_id"]): s for s in summaries}
    branches = branches_in(directory, scope)
    rows = []
    for o in branches:
        own = by_author.get(("org", o.org_id))
        members = directory.members_of(o.org_id)
        done = [m.member_id for m in members if ("member", m.member_id) in by_author]
        rows.append(
            {
                "org_id": o.org_id,
                "name": o.name,
                "branch_summary": own and {k: own[k] for k in ("summary_id", "state", "length", "on_time")},
                "members": len(members),
                "members_submitted": len(done),
                "members_missing": [m.member_id for m in members if m.member_id not in done],
            }
        )
    return {
        **call,
        "branches": len(rows),
        "branches_submitted": sum(1 for r in rows if r["branch_summary"]),
        "rows": rows,
    }


def grades_led(db: Database, org, year: int) -> dict:
    """G9: the grades of ``year`` of the orgs ``org`` leads — every graded org in a committee's subtree, or the
    branch's own — counted per grade, as the grading stream told this service."""
    if org.org_type == "党委":
        column = "local_path" if org.leading_hierarchy == "local" else "vertical_path"
        path = getattr(org, column)
        where, params = f"({column} = ? OR {column} LIKE ?)", [path, f"{path}/%"]
    else:
        where, params = "org_id = ?", [org.org_id]
    rows = db.query(
        f"SELECT grade, COUNT(*) AS n FROM br_grades WHERE year = ? AND {where} GROUP BY grade", [year, *params]
    )
    counts = {r["grade"]: int(r["n"]) for r in rows}
    return {"year": year, "graded": sum(counts.values()), "grades": counts}


def debrief_result(db: Database, round_id: str | None) -> dict | None:
    """An evaluation round's result (a 述职评议, B6, or the masses' evaluation of an institution, B2), once the
    evaluations stream says it completed."""
    if not round_id:
        return None
    return db.one("SELECT round_id, score, grade FROM br_rounds WHERE round_id = ?", [round_id])


def summary_workbook(table: dict) -> bytes:
    """汇总表 (seed 003 附件二) as .xlsx: one row per branch; a branch without an institution is marked."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表"
    sheet.append([f"基层党支部建立创先争优制度汇总表（{table['scope']}）"])
    sheet.append(["党支部名称", "组织编号", "领域", "创先争优制度", "版本", "公布日期"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    missing = PatternFill("solid", fgColor="FDECEA")
    for row in table["rows"]:
        if not row["institutions"]:
            sheet.append([row["name"], row["org_id"], row["domain"], "（尚未建立）", "", ""])
            for cell in sheet[sheet.max_row]:
                cell.fill = missing
        for i in row["institutions"]:
            sheet.append([row["name"], row["org_id"], row["domain"], i["title"], i["version"], i["published_on"]])
    sheet.append([])
    sheet.append([f"党支部 {table['branches']} 个，尚未建立制度 {table['without_institution']} 个"])
    for column, width in zip("ABCDEF", (28, 16, 10, 36, 6, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
