"""Read models of the grading service and the report queries on them (G5, G6, G7, G8, H4).

- :class:`MassResults` reads the evaluations stream: the latest 党员群众评议 result (E8, purpose
  ``org_mass``) per org and year, which a determination records as its 群众评价 input.
- :class:`Reports` reads grading's own stream: cycles, schemes by hash, grades, rectifications.
Rows carry the org's paths at the time of the event (H5), so a scope filter is one WHERE clause.
"""

from __future__ import annotations

import json

from shared.db import Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles


class MassResults(Projection):
    name = "mass_results"
    source = "evaluations"
    tables = ("gr_mass",)
    ddl = """
    CREATE TABLE IF NOT EXISTS gr_mass (
        org_id TEXT NOT NULL, year INTEGER NOT NULL, round_id TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,
        grade TEXT NOT NULL, participation_rate DOUBLE PRECISION, published INTEGER NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (org_id, year));
    """

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        if d.get("purpose") != "org_mass" or d.get("subject_type") != "org":
            return  # only 党员群众评议 of an org is an input of its grading (E8)
        tx.upsert(
            "gr_mass",
            {
                "org_id": d["subject_id"],
                "year": int(d["year"]),
                "round_id": d["round_id"],
                "score": float(d["score"]),
                "grade": d["grade"],
                "participation_rate": (d.get("participation") or {}).get("rate"),
                "published": int(bool(d.get("published"))),
                "received_at": env.time,
            },
            key=(
                "org_id",
                "year",
            ),
        )


class Reports(Projection):
    name = "reports"
    source = "grading"
    tables = ("gr_cycles", "gr_schemes", "gr_grades", "gr_rectifications")
    ddl = """
    CREATE TABLE IF NOT EXISTS gr_cycles (
        cycle_id TEXT PRIMARY KEY, year INTEGER NOT NULL, scope TEXT NOT NULL, issuer_org_id TEXT NOT NULL,
        orgs_in_scope INTEGER NOT NULL, ratio TEXT NOT NULL, domains TEXT NOT NULL, deployed_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS gr_schemes (
        scheme_hash TEXT PRIMARY KEY, domain TEXT NOT NULL, version TEXT NOT NULL, scheme TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS gr_grades (
        cycle_id TEXT NOT NULL, org_id TEXT NOT NULL, year INTEGER NOT NULL, grade TEXT NOT NULL,
        grade_rank INTEGER NOT NULL, rungs INTEGER NOT NULL, advanced INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL,
        scheme_hash TEXT NOT NULL, override TEXT, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL,
        determined_at TEXT NOT NULL, PRIMARY KEY (cycle_id, org_id));
    CREATE INDEX IF NOT EXISTS gr_grades_year ON gr_grades (year, org_id);
    CREATE TABLE IF NOT EXISTS gr_rectifications (
        cycle_id TEXT NOT NULL, org_id TEXT NOT NULL, year INTEGER NOT NULL, track TEXT NOT NULL, due TEXT NOT NULL,
        progress_count INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, passed INTEGER,
        local_path TEXT NOT NULL, vertical_path TEXT NOT NULL, PRIMARY KEY (cycle_id, org_id));
    """

    @handles("cycle_deployed")
    def deployed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "gr_cycles",
            {
                "cycle_id": env.subject,
                "year": d["year"],
                "scope": d["scope"],
                "issuer_org_id": d["issuer_org_id"],
                "orgs_in_scope": d["orgs_in_scope"],
                "ratio": json.dumps(d["ratio"]),
                "domains": json.dumps(sorted(d["schemes"]), ensure_ascii=False),
                "deployed_at": env.time,
            },
        )
        for domain, s in d["schemes"].items():
            tx.insert_new(
                "gr_schemes",
                {
                    "scheme_hash": s["hash"],
                    "domain": domain,
                    "version": s["scheme"]["version"],
                    "scheme": json.dumps(s["scheme"], ensure_ascii=False),
                },
                key=("scheme_hash",),
            )

    @handles("determined")
    def determined(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "gr_grades",
            {
                "cycle_id": d["cycle_id"],
                "org_id": d["org_id"],
                "year": d["year"],
                "grade": d["grade"],
                "grade_rank": d["rank"],
                "rungs": len(d["ladder"]),
                "advanced": int(d["advanced"]),
                "score": d["score"],
                "scheme_hash": d["scheme_hash"],
                "override": json.dumps(d["override"], ensure_ascii=False) if d["override"] else None,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "determined_at": env.time,
            },
        )

    @handles("determination_corrected")
    def corrected(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute(
            "UPDATE gr_grades SET grade = ?, grade_rank = ?, advanced = ? WHERE cycle_id = ? AND org_id = ?",
            [d["grade"], d["rank"], int(d["advanced"]), d["cycle_id"], d["org_id"]],
        )

    @handles("rectification_planned")
    def planned(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "gr_rectifications",
            {
                "cycle_id": d["cycle_id"],
                "org_id": d["org_id"],
                "year": d["year"],
                "track": d["track"],
                "due": d.get("due", ""),
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
            },
        )

    @handles("rectification_progress")
    def progress(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute(
            "UPDATE gr_rectifications SET progress_count = progress_count + 1, done = ? "
            "WHERE cycle_id = ? AND org_id = ?",
            [int(d["done"]), d["cycle_id"], d["org_id"]],
        )

    @handles("rectification_accepted")
    def accepted(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute(
            "UPDATE gr_rectifications SET passed = ? WHERE cycle_id = ? AND org_id = ?",
            [int(d["passed"]), d["cycle_id"], d["org_id"]],
        )


# reports -------------------------------------------------------------------------------------------
GRADE_COLUMNS = "cycle_id, org_id, year, grade, grade_rank, rungs, advanced, score, scheme_hash, override"


class InstitutionFacts(Projection):
    """G10: which orgs have published a 创先争优 institution (B1), from the branches stream — the fact the
    工作制度 sub-items with ``"source": "institution"`` are scored by."""

    name = "institution_facts"
    source = "branches"
    tables = ("gr_institutions",)
    ddl = """
    CREATE TABLE IF NOT EXISTS gr_institutions (
        org_id TEXT PRIMARY KEY, first_published_on TEXT NOT NULL, institution_id TEXT NOT NULL);
    """

    @handles("institution_published")
    def published(self, tx: Tx, env: Envelope) -> None:
        tx.insert_new(
            "gr_institutions",
            {"org_id": env.orgid, "first_published_on": env.data["published_on"], "institution_id": env.subject},
            key=("org_id",),
        )
