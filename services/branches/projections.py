"""Branch life's read models, from its own stream: published institutions (the 党务公开栏 and the 汇总表, B1,
B2), superiors' inspections and assessments, calls for summaries and who has submitted (B5)."""

from __future__ import annotations

import json

from shared.db import Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles


class BranchLife(Projection):
    name = "branch_life"
    source = "branches"
    tables = ("br_institutions", "br_reviews", "br_calls", "br_summaries")
    ddl = """
    CREATE TABLE IF NOT EXISTS br_institutions (
        institution_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, number INTEGER NOT NULL, version INTEGER NOT NULL,
        title TEXT NOT NULL, focus TEXT NOT NULL, goal TEXT NOT NULL, content TEXT NOT NULL, measures TEXT NOT NULL,
        channel TEXT NOT NULL, adopted_on TEXT NOT NULL, published_on TEXT NOT NULL,
        local_path TEXT NOT NULL, vertical_path TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS br_institutions_org ON br_institutions (org_id);
    CREATE TABLE IF NOT EXISTS br_reviews (
        event_id TEXT PRIMARY KEY, institution_id TEXT NOT NULL, org_id TEXT NOT NULL, kind TEXT NOT NULL,
        period TEXT, grade TEXT, note TEXT NOT NULL, by_whom TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS br_calls (
        call_id TEXT PRIMARY KEY, scope TEXT NOT NULL, year INTEGER NOT NULL, deadline TEXT NOT NULL,
        min_length INTEGER NOT NULL, issuer_org_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS br_summaries (
        summary_id TEXT PRIMARY KEY, call_id TEXT NOT NULL, year INTEGER NOT NULL, author_kind TEXT NOT NULL,
        author_id TEXT NOT NULL, org_id TEXT NOT NULL, length INTEGER NOT NULL, on_time INTEGER NOT NULL,
        state TEXT NOT NULL, return_reason TEXT, submitted_at TEXT NOT NULL,
        local_path TEXT NOT NULL, vertical_path TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS br_summaries_call ON br_summaries (call_id, org_id);
    """

    @handles("institution_published")
    def published(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.upsert(
            "br_institutions",
            {
                "institution_id": env.subject,
                "org_id": env.orgid,
                "number": d["number"],
                "version": d["version"],
                "title": d["title"],
                "focus": json.dumps(d["focus"], ensure_ascii=False),
                "goal": d["goal"],
                "content": d["content"],
                "measures": json.dumps(d["measures"], ensure_ascii=False),
                "channel": d["channel"],
                "adopted_on": d["adopted_on"],
                "published_on": d["published_on"],
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
            },
            key=("institution_id",),
        )

    @handles("institution_inspected", "institution_assessed")
    def reviewed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "br_reviews",
            {
                "event_id": env.id,
                "institution_id": env.subject,
                "org_id": d["org_id"],
                "kind": "inspection" if env.event_name == "institution_inspected" else "assessment",
                "period": d.get("period"),
                "grade": d.get("grade"),
                "note": d["note"],
                "by_whom": d["by"],
                "at": env.time,
            },
            key=("event_id",),
        )

    @handles("summary_call_issued")
    def call_issued(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "br_calls",
            {
                "call_id": env.subject,
                "scope": d["scope"],
                "year": d["year"],
                "deadline": d["deadline"],
                "min_length": d["min_length"],
                "issuer_org_id": d["issuer_org_id"],
            },
            key=("call_id",),
        )

    @handles("summary_submitted")
    def submitted(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "br_summaries",
            {
                "summary_id": env.subject,
                "call_id": d["call_id"],
                "year": d["year"],
                "author_kind": d["author_kind"],
                "author_id": d["author_id"],
                "org_id": d["org_id"],
                "length": d["length"],
                "on_time": int(d["on_time"]),
                "state": "submitted",
                "submitted_at": env.time,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
            },
            key=("summary_id",),
        )

    @handles("summary_returned")
    def returned(self, tx: Tx, env: Envelope) -> None:
        tx.execute(
            "UPDATE br_summaries SET state = 'returned', return_reason = ? WHERE summary_id = ?",
            [env.data["reason"], env.subject],
        )

    @handles("summary_resubmitted")
    def resubmitted(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute(
            "UPDATE br_summaries SET state = 'submitted', return_reason = NULL, length = ?, on_time = ?, "
            "submitted_at = ? WHERE summary_id = ?",
            [d["length"], int(d["on_time"]), env.time, env.subject],
        )


class GradingFacts(Projection):
    """定级确定 and its corrections (G9), for the grading results a 述职 carries (B6)."""

    name = "grading_facts"
    source = "grading"
    tables = ("br_grades",)
    ddl = """
    CREATE TABLE IF NOT EXISTS br_grades (
        org_id TEXT NOT NULL, year INTEGER NOT NULL, cycle_id TEXT NOT NULL, grade TEXT NOT NULL,
        local_path TEXT NOT NULL, vertical_path TEXT NOT NULL, PRIMARY KEY (org_id, year));
    """

    @handles("determined", "determination_corrected")
    def graded(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.upsert(
            "br_grades",
            {
                "org_id": d["org_id"],
                "year": d["year"],
                "cycle_id": d["cycle_id"],
                "grade": d["grade"],
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
            },
            key=("org_id", "year"),
        )


class EvaluationFacts(Projection):
    """Completed evaluations of orgs: a 述职评议 round's result (B6) is read from here by its round id."""

    name = "evaluation_facts"
    source = "evaluations"
    tables = ("br_rounds",)
    ddl = """
    CREATE TABLE IF NOT EXISTS br_rounds (
        round_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, grade TEXT NOT NULL);
    """

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        if d.get("subject_type") != "org":
            return
        tx.upsert(
            "br_rounds",
            {"round_id": d["round_id"], "org_id": d["subject_id"], "score": float(d["score"]), "grade": d["grade"]},
            key=("round_id",),
        )
