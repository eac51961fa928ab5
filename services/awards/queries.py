"""Read queries of the awards service's read models (what the routes and commands ask; the projections write)."""

from __future__ import annotations

import json

from shared.db import Database
from shared.scope import Scope


# queries ----------------------------------------------------------------------------------------------
def _where(scope: Scope, prefix: str = "") -> tuple[list[str], list]:
    where, params = scope.sql_filter(f"{prefix}local_path", f"{prefix}vertical_path")
    return [where], list(params)


def campaigns(db: Database, scope: Scope, year: int | None) -> list[dict]:
    """Campaigns opened by orgs in a scope (A1)."""
    clauses, params = _where(scope)
    if year:
        clauses.append("year = ?")
        params.append(year)
    rows = db.query(
        f"SELECT * FROM aw_campaigns WHERE {' AND '.join(clauses)} ORDER BY year DESC, nomination_until, campaign_id",
        params,
    )
    for r in rows:
        r["titles"] = json.loads(r["titles"])
    return rows


def campaigns_open_to(db: Database, hierarchy: str, path: tuple[str, ...]) -> list[dict]:
    """The campaigns an org may be nominated in: those whose scope holds it in its leading hierarchy (A3, H3)."""
    scopes = [f"{hierarchy}:{'/'.join(path[:depth]) or '*'}" for depth in range(len(path) + 1)]
    marks = ", ".join("?" for _ in scopes)
    rows = db.query(
        f"SELECT * FROM aw_campaigns WHERE scope IN ({marks}) ORDER BY year DESC, nomination_until, campaign_id", scopes
    )
    for r in rows:
        r["titles"] = json.loads(r["titles"])
    return rows


def in_publicity(db: Database, today: str) -> list[dict]:
    """Campaigns whose 公示 period includes today (A5): the public index."""
    return db.query(
        "SELECT campaign_id, name, year, publicity_from, publicity_until FROM aw_campaigns "
        "WHERE publicity_from <= ? AND publicity_until >= ? ORDER BY publicity_until, campaign_id",
        [today, today],
    )


def org_nominations(db: Database, org_id: str) -> list[dict]:
    """A3: an org's nominations (of the org itself and of its members), newest first."""
    rows = db.query(
        "SELECT * FROM aw_nominations WHERE org_id = ? ORDER BY year DESC, updated_at DESC, nomination_id", [org_id]
    )
    return [_nomination(r) for r in rows]


def _nomination(r: dict) -> dict:
    r["levels"] = json.loads(r["levels"])
    r["eligible"], r["overridden"] = bool(r["eligible"]), bool(r["overridden"])
    return r


def nominations(
    db: Database,
    scope: Scope,
    *,
    campaign_id: str | None,
    state: str | None,
    awaiting: str | None,
    limit: int,
    offset: int,
) -> dict:
    """A3: the nominations in a scope; ``awaiting`` = the level (a scope string) they are waiting at."""
    clauses, params = _where(scope)
    for column, value in (("campaign_id", campaign_id), ("state", state), ("level", awaiting)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if awaiting:
        clauses.append("state IN ('pending', 'held')")
    where = " AND ".join(clauses)
    total = db.one(f"SELECT COUNT(*) AS n FROM aw_nominations WHERE {where}", params)
    rows = db.query(
        f"SELECT * FROM aw_nominations WHERE {where} ORDER BY updated_at, nomination_id "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
    )
    rows = [_nomination(r) for r in rows]
    return {"total": int(total["n"]) if total else 0, "limit": limit, "offset": offset, "items": rows}


def honours(db: Database, scope: Scope, year: int | None, include_revoked: bool) -> list[dict]:
    """光荣榜 (A6): the honours granted to orgs and members in a scope, per year."""
    clauses, params = _where(scope)
    if year:
        clauses.append("year = ?")
        params.append(year)
    if not include_revoked:
        clauses.append("revoked_on IS NULL")
    return db.query(
        f"SELECT * FROM aw_honours WHERE {' AND '.join(clauses)} ORDER BY year DESC, title, org_id, nominee_id", params
    )


def exemplars(db: Database, scope: Scope) -> list[dict]:
    clauses, params = _where(scope)
    rows = db.query(f"SELECT * FROM aw_exemplars WHERE {' AND '.join(clauses)} ORDER BY year DESC, exemplar_id", params)
    for r in rows:
        r["active"] = bool(r["active"])
        r["items"] = db.query(
            "SELECT kind, headline, on_date FROM aw_promotions WHERE exemplar_id = ? ORDER BY on_date",
            [r["exemplar_id"]],
        )
    return rows


def study_report(db: Database, scope: Scope, year: int | None) -> dict:
    """学先进 (A7): who (learners in the scope) learnt from whom (any exemplar), and how often."""
    clauses, params = _where(scope, "s.")
    if year:
        clauses.append("s.year = ?")
        params.append(year)
    rows = db.query(
        "SELECT s.learner_type, s.learner_id, s.learner_org_id, s.form, s.on_date, s.exemplar_id, e.title, "
        "e.nominee_type AS exemplar_type, e.nominee_id AS exemplar_id_of, e.org_id AS exemplar_org_id "
        f"FROM aw_studies s JOIN aw_exemplars e ON e.exemplar_id = s.exemplar_id WHERE {' AND '.join(clauses)} "
        "ORDER BY s.on_date, s.study_id",
        params,
    )
    by_exemplar: dict[str, dict] = {}
    for r in rows:
        r["exemplar"] = {
            "type": r.pop("exemplar_type"),
            "id": r.pop("exemplar_id_of"),
            "org_id": r.pop("exemplar_org_id"),
            "title": r.pop("title"),
        }
        entry = by_exemplar.setdefault(
            r["exemplar_id"], {"exemplar_id": r["exemplar_id"], **r["exemplar"], "studies": 0, "learners": set()}
        )
        entry["studies"] += 1
        entry["learners"].add(f"{r['learner_type']}:{r['learner_id']}")
    summary = [{**e, "learners": sorted(e["learners"])} for e in by_exemplar.values()]
    return {"studies": rows, "by_exemplar": summary}
