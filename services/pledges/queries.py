"""Read queries of the pledges service's read models (what the routes and commands ask; the projections write)."""

from __future__ import annotations

import json

from .projections import LEDGER_COLUMNS


def ledger_rows(
    db,
    where: str,
    params: list,
    *,
    state: str | None,
    kind: str | None,
    member: str | None,
    overdue: bool | None,
    year: int | None,
    today: str,
    limit: int,
    offset: int,
) -> dict:
    """P9: the ledger with filters and pagination; ``overdue`` = open (approved/publicised) and past due."""
    clauses, args = [where], list(params)
    if state:
        clauses.append("state = ?")
        args.append(state)
    if kind:
        clauses.append("kind = ?")
        args.append(kind)
    if member:
        clauses.append("member_ids LIKE ?")
        args.append(f'%"{member}"%')
    if year:
        clauses.append("year = ?")
        args.append(year)
    if overdue is not None:
        test = "(state IN ('approved', 'publicised') AND due < ?)"
        clauses.append(test if overdue else f"NOT {test}")
        args.append(today)
    sql_where = " AND ".join(clauses)
    total = db.one(f"SELECT COUNT(*) AS n FROM pl_pledges WHERE {sql_where}", args)
    rows = db.query(
        f"SELECT {LEDGER_COLUMNS} FROM pl_pledges LEFT JOIN pl_evaluation_results e USING (pledge_id) "
        f"WHERE {sql_where} ORDER BY proposed_at, pledge_id "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        args,
    )
    for r in rows:
        r["member_ids"] = json.loads(r["member_ids"])
        r["items"] = json.loads(r["items"])
        r["evaluation"] = json.loads(r["evaluation"]) if r["evaluation"] else None
        r["leading"] = bool(r.pop("is_leading"))
        r["overdue"] = r["state"] in ("approved", "publicised") and r["due"] < today
    return {"total": int(total["n"]) if total else 0, "limit": limit, "offset": offset, "items": rows}


def overdue_unreminded(db, today: str, reminded_before: str) -> list[str]:
    """Candidates for 督促: open, past due, not reminded since ``reminded_before``."""
    rows = db.query(
        "SELECT pledge_id FROM pl_pledges WHERE state IN ('approved', 'publicised') AND due < ? "
        "AND (last_reminded IS NULL OR last_reminded <= ?) ORDER BY due",
        [today, reminded_before],
    )
    return [r["pledge_id"] for r in rows]


def fulfilment(db, where: str, params: list, *, year: int | None, today: str) -> dict:
    """践诺 and 督促 (P4) of a scope: pledges in the ledger (approved onwards), completed, unfulfilled, open,
    overdue (open past due), reminded at least once, overdue not yet reminded; the rates over the ledger."""
    clauses, args = [where, "state NOT IN ('proposed', 'returned')"], list(params)
    if year:
        clauses.append("year = ?")
        args.append(year)
    row = db.one(
        "SELECT COUNT(*) AS in_ledger,"
        " SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END) AS completed,"
        " SUM(CASE WHEN state = 'unfulfilled' THEN 1 ELSE 0 END) AS unfulfilled,"
        " SUM(CASE WHEN state IN ('approved', 'publicised') THEN 1 ELSE 0 END) AS open,"
        " SUM(CASE WHEN state IN ('approved', 'publicised') AND due < ? THEN 1 ELSE 0 END) AS overdue,"
        " SUM(CASE WHEN reminders > 0 THEN 1 ELSE 0 END) AS reminded,"
        " SUM(CASE WHEN state IN ('approved', 'publicised') AND due < ? AND reminders = 0 THEN 1 ELSE 0 END)"
        " AS overdue_unreminded "
        f"FROM pl_pledges WHERE {' AND '.join(clauses)}",
        [today, today, *args],
    )
    counts = {k: int(v or 0) for k, v in (row or {}).items()}
    n = counts.get("in_ledger", 0)
    rate = lambda k: round(counts[k] / n, 4) if n else None  # noqa: E731
    return counts | {"fulfilment_rate": rate("completed"), "reminder_rate": rate("reminded")}
