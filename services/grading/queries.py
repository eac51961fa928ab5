"""Read queries of the grading service's read models (what the routes and commands ask; the projections write)."""

from __future__ import annotations

import json

from shared.db import Database
from shared.directory.replica import OrgRecord
from shared.scope import Scope

from .projections import GRADE_COLUMNS


def has_institution(db: Database, org_id: str) -> bool:
    """G10: the org has published a 创先争优 institution (B1), as the branches stream told this service."""
    return db.one("SELECT org_id FROM gr_institutions WHERE org_id = ?", [org_id]) is not None


def mass_result(db: Database, org_id: str, year: int) -> dict | None:
    row = db.one(
        "SELECT round_id, score, grade, participation_rate FROM gr_mass WHERE org_id = ? AND year = ?", [org_id, year]
    )
    return (
        None
        if row is None
        else {
            "round_id": row["round_id"],
            "score": float(row["score"]),
            "grade": row["grade"],
            "participation_rate": row["participation_rate"],
        }
    )


def _grade_row(r: dict) -> dict:
    r["advanced"] = bool(r["advanced"])
    r["rank"] = r.pop("grade_rank")
    r["override"] = json.loads(r["override"]) if r.get("override") else None
    return r


def grades(db: Database, scope: Scope, year: int) -> list[dict]:
    where, params = scope.sql_filter()
    rows = db.query(
        f"SELECT {GRADE_COLUMNS} FROM gr_grades WHERE {where} AND year = ? ORDER BY org_id", [*params, year]
    )
    return [_grade_row(r) for r in rows]


def distribution(db: Database, scope: Scope, year: int) -> dict:
    """分类定级 results: how many orgs on each rung (G5 shares included)."""
    rows = grades(db, scope, year)
    counts: dict[str, dict] = {}
    for r in rows:
        entry = counts.setdefault(r["grade"], {"grade": r["grade"], "rank": r["rank"], "count": 0})
        entry["count"] += 1
    total = len(rows)
    advanced = sum(1 for r in rows if r["advanced"])
    bottom = sum(1 for r in rows if r["rank"] == r["rungs"] - 1)
    return {
        "scope": str(scope),
        "year": year,
        "determined": total,
        "advanced": advanced,
        "bottom": bottom,
        "advanced_share": round(advanced / total, 4) if total else None,
        "grades": sorted(counts.values(), key=lambda e: (e["rank"], e["grade"])),
    }


def movements(db: Database, scope: Scope, year: int) -> dict:
    """晋位升级 (G7): each org graded in ``year`` and the year before, compared by its place on the ladder
    (rank ÷ (rungs − 1), so a 3-rung and a 4-rung year compare fairly)."""
    before = {r["org_id"]: r for r in grades(db, scope, year - 1)}
    out: dict[str, list] = {"up": [], "down": [], "same": [], "new": []}
    for r in grades(db, scope, year):
        prev = before.get(r["org_id"])
        row = {"org_id": r["org_id"], "grade": r["grade"], "previous_grade": prev["grade"] if prev else None}
        if prev is None:
            out["new"].append(row)
            continue
        now, then = r["rank"] / (r["rungs"] - 1), prev["rank"] / (prev["rungs"] - 1)
        out["up" if now < then else "down" if now > then else "same"].append(row)
    return {"scope": str(scope), "year": year, **out}


def cycles_of(db: Database, year: int) -> list[tuple[Scope, list[str]]]:
    """Every cycle deployed for ``year``: its scope and the domains it has schemes for."""
    rows = db.query("SELECT scope, domains FROM gr_cycles WHERE year = ? ORDER BY scope", [year])
    return [(Scope.parse(r["scope"]), json.loads(r["domains"])) for r in rows]


def cycle_rows(db: Database) -> list[dict]:
    """Every cycle deployed, newest year first, with the domains it has schemes for."""
    rows = db.query("SELECT cycle_id, year, scope, issuer_org_id, domains FROM gr_cycles ORDER BY year DESC, cycle_id")
    return [r | {"domains": json.loads(r["domains"])} for r in rows]


def not_graded(db: Database, scope: Scope, year: int) -> list[OrgRecord]:
    """Orgs with a domain in the scope, from the directory replica, with no 定级确定 for ``year``."""
    where, params = scope.sql_filter()
    rows = db.query(
        f"SELECT * FROM dir_orgs WHERE {where} "
        "AND domain <> '' AND org_id NOT IN (SELECT org_id FROM gr_grades WHERE year = ?) ORDER BY org_id",
        [*params, year],
    )
    return [OrgRecord(**r) for r in rows]


def rectification_overdue(db: Database, scope: Scope, today: str) -> list[dict]:
    """G6: plans past their due date, not reported done and not yet accepted."""
    where, params = scope.sql_filter()
    return db.query(
        f"SELECT cycle_id, org_id, year, track, due, progress_count FROM gr_rectifications WHERE {where} "
        "AND due < ? AND done = 0 AND passed IS NULL ORDER BY due, org_id",
        [*params, today],
    )


def scheme(db: Database, scheme_hash: str) -> dict | None:
    row = db.one("SELECT domain, version, scheme FROM gr_schemes WHERE scheme_hash = ?", [scheme_hash])
    return (
        None
        if row is None
        else {
            "scheme_hash": scheme_hash,
            "domain": row["domain"],
            "version": row["version"],
            "scheme": json.loads(row["scheme"]),
        }
    )
