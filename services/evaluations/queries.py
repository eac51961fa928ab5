"""Read queries of the evaluations service's read models (what the routes and commands ask; the projections write)."""

from __future__ import annotations

import json


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
