"""Read queries of the evaluations service's read models (what the routes and commands ask; the projections write)."""

from __future__ import annotations

import json

from shared.api import Page
from shared.db import Database
from shared.scope import Scope


def pledge_row(db, pledge_id: str) -> dict | None:
    row = db.one("SELECT * FROM ev_pledges WHERE pledge_id = ?", [pledge_id])
    if row:
        row["member_ids"] = json.loads(row["member_ids"])
    return row


def result_row(r: dict) -> dict:
    r["publish"], r["has_mass"] = bool(r["publish"]), bool(r["has_mass"])
    for key in ("participation", "modes"):
        r[key] = json.loads(r[key]) if r.get(key) else None
    return r


def rounds(db: Database, where: str, params: list, filters: dict, page: Page) -> tuple[int, list[dict]]:
    """Rounds matching ``where`` and the non-null ``filters`` (column → value): (total, one page)."""
    params = list(params)
    for column, value in filters.items():
        if value is not None:
            where += f" AND {column} = ?"
            params.append(value)
    total = db.one(f"SELECT COUNT(*) AS n FROM ev_rounds WHERE {where}", params)
    rows = db.query(
        f"SELECT * FROM ev_rounds WHERE {where} ORDER BY end_on, round_id LIMIT {page.limit} OFFSET {page.offset}",
        params,
    )
    return (int(total["n"]) if total else 0), rows


def member_results(db: Database, member_id: str) -> list[dict]:
    """A member's closed rounds (E6, E7), newest first."""
    return db.query(
        "SELECT * FROM ev_rounds WHERE subject_type = 'member' AND subject_id = ? "
        "AND state <> 'open' ORDER BY year DESC, end_on DESC",
        [member_id],
    )


def org_windows(db: Database, org_id: str) -> list[dict]:
    """An org's service windows (E1)."""
    return db.query("SELECT window_id, name FROM ev_windows WHERE org_id = ? ORDER BY window_id", [org_id])


def contest_ranking(db: Database, scope: Scope, contest: str, label: str) -> list[dict]:
    """三比 (E3): one contest round's scores within a scope, ranked; equal scores share a rank (1, 2, 2, 4)."""
    where, params = scope.sql_filter()
    rows = db.query(
        f"SELECT window_id, org_id, target_id, score FROM ev_contest_scores WHERE {where} "
        "AND contest = ? AND label = ? ORDER BY score DESC, target_id",
        [*params, contest, label],
    )
    ranked: list[dict] = []
    previous = None
    for i, r in enumerate(rows, start=1):
        rank = ranked[-1]["rank"] if previous == r["score"] else i
        ranked.append({"rank": rank, **r})
        previous = r["score"]
    return ranked
