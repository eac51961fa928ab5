"""The awards service's own record of other services' events (docs/ARCHITECTURE.md: cross-service rules are checked
against the service's own projections), the facts that eligibility (A4, G9, P8) is judged on.

Only the fields listed in ``RELIED_ON`` are read: that is this service's side of the fixed contracts of
``grading.determined`` / ``determination_corrected`` / ``rectification_*`` (定级确定, 定级更正, 整改) and ``evaluations.completed`` (评议完成), and of
``pledges.proposed`` (which member made which pledge). An event missing them is parked for an operator.
"""

from __future__ import annotations

import jsonschema

from shared.contract import BOOL, INT, NUM, STR, STRS, obj
from shared.db import Database, Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles

RELIED_ON = {
    "grading.determined": obj({"cycle_id": STR, "org_id": STR, "year": INT, "grade": STR, "advanced": BOOL}),
    "grading.determination_corrected": obj(
        {"cycle_id": STR, "org_id": STR, "year": INT, "grade": STR, "advanced": BOOL}
    ),
    "grading.rectification_planned": obj(
        {"cycle_id": STR, "org_id": STR, "year": INT, "track": {"enum": ["巩固", "推动", "整顿"]}}
    ),
    "grading.rectification_accepted": obj({"cycle_id": STR, "org_id": STR, "year": INT, "passed": BOOL}),
    "evaluations.completed": obj(
        {
            "round_id": STR,
            "subject_type": STR,
            "subject_id": STR,
            "purpose": STR,
            "year": INT,
            "score": NUM,
            "grade": STR,
        }
    ),
    "pledges.proposed": obj({"member_ids": STRS}),
}


def relied_on(env: Envelope) -> dict:
    jsonschema.validate(env.data, RELIED_ON[f"{env.service}.{env.handled_as}"])
    return env.data


class GradingFacts(Projection):
    """定级确定 (G4) — the latest grade per org — and 整改 (G6, G8) — open 整顿 rectifications."""

    name = "grading_facts"
    source = "grading"
    tables = ("aw_grades", "aw_rectifications")
    ddl = """
    CREATE TABLE IF NOT EXISTS aw_grades (
        org_id TEXT PRIMARY KEY, cycle_id TEXT NOT NULL, year INTEGER NOT NULL, grade TEXT NOT NULL,
        advanced INTEGER NOT NULL, event_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS aw_rectifications (
        org_id TEXT NOT NULL, cycle_id TEXT NOT NULL, year INTEGER NOT NULL, track TEXT NOT NULL, accepted INTEGER,
        PRIMARY KEY (org_id, cycle_id));
    """

    @handles("determined")
    def determined(self, tx: Tx, env: Envelope) -> None:
        d = relied_on(env)
        tx.execute(  # a later determination of the same or a later year replaces; an older year never does
            "INSERT INTO aw_grades (org_id, cycle_id, year, grade, advanced, event_id) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (org_id) DO UPDATE SET cycle_id = excluded.cycle_id, year = excluded.year, "
            "grade = excluded.grade, advanced = excluded.advanced, event_id = excluded.event_id "
            "WHERE excluded.year >= aw_grades.year",
            [d["org_id"], d["cycle_id"], d["year"], d["grade"], int(d["advanced"]), env.id],
        )

    @handles("determination_corrected")
    def corrected(self, tx: Tx, env: Envelope) -> None:
        d = relied_on(env)
        tx.execute(  # the same cycle's grade, put right (G4); a later year's grade is never overwritten
            "UPDATE aw_grades SET grade = ?, advanced = ?, event_id = ? WHERE org_id = ? AND cycle_id = ?",
            [d["grade"], int(d["advanced"]), env.id, d["org_id"], d["cycle_id"]],
        )

    @handles("rectification_planned")
    def planned(self, tx: Tx, env: Envelope) -> None:
        d = relied_on(env)
        tx.execute(
            "INSERT INTO aw_rectifications (org_id, cycle_id, year, track, accepted) VALUES (?, ?, ?, ?, NULL) "
            "ON CONFLICT (org_id, cycle_id) DO UPDATE SET year = excluded.year, track = excluded.track",
            [d["org_id"], d["cycle_id"], d["year"], d["track"]],
        )

    @handles("rectification_accepted")
    def accepted(self, tx: Tx, env: Envelope) -> None:
        d = relied_on(env)
        tx.execute(
            "UPDATE aw_rectifications SET accepted = ? WHERE org_id = ? AND cycle_id = ?",
            [int(d["passed"]), d["org_id"], d["cycle_id"]],
        )


class EvaluationFacts(Projection):
    """评议完成 (E6): 民主评议 (E7) of members and pledge evaluations (P7), the inputs of A4 for member titles."""

    name = "evaluation_facts"
    source = "evaluations"
    tables = ("aw_evaluations",)
    ddl = """
    CREATE TABLE IF NOT EXISTS aw_evaluations (
        round_id TEXT PRIMARY KEY, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, purpose TEXT NOT NULL,
        year INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL, grade TEXT NOT NULL, org_id TEXT NOT NULL,
        seq BIGINT NOT NULL);
    CREATE INDEX IF NOT EXISTS aw_evaluations_subject ON aw_evaluations (subject_type, subject_id);
    """

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        d = relied_on(env)
        tx.execute(
            "INSERT INTO aw_evaluations (round_id, subject_type, subject_id, purpose, year, score, grade, org_id, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET score = excluded.score, "
            "grade = excluded.grade, seq = excluded.seq",
            [
                d["round_id"],
                d["subject_type"],
                d["subject_id"],
                d["purpose"],
                d["year"],
                float(d["score"]),
                d["grade"],
                env.orgid,
                env.sequence,
            ],
        )


class PledgeOwners(Projection):
    """Which member made which pledge (P1), so a pledge's 评议完成 can be counted for its members (P8)."""

    name = "pledge_owners"
    source = "pledges"
    tables = ("aw_pledge_members",)
    ddl = """
    CREATE TABLE IF NOT EXISTS aw_pledge_members (
        pledge_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (pledge_id, member_id));
    CREATE INDEX IF NOT EXISTS aw_pledge_members_member ON aw_pledge_members (member_id);
    """

    @handles("proposed")
    def proposed(self, tx: Tx, env: Envelope) -> None:
        for member_id in relied_on(env)["member_ids"]:
            tx.insert_new(
                "aw_pledge_members",
                {"pledge_id": env.subject, "member_id": member_id},
                key=(
                    "pledge_id",
                    "member_id",
                ),
            )


class Facts:
    """Queries on the facts above."""

    def __init__(self, db: Database):
        self.db = db

    def grade(self, org_id: str) -> dict | None:
        row = self.db.one("SELECT cycle_id, year, grade, advanced FROM aw_grades WHERE org_id = ?", [org_id])
        return {**row, "advanced": bool(row["advanced"])} if row else None

    def latest_rectification(self, org_id: str) -> dict | None:
        return self.db.one(
            "SELECT cycle_id, year, track, accepted FROM aw_rectifications WHERE org_id = ? "
            "ORDER BY year DESC, cycle_id DESC LIMIT 1",
            [org_id],
        )

    def democratic(self, member_id: str) -> dict | None:
        return self.db.one(
            "SELECT round_id, year, score, grade FROM aw_evaluations WHERE subject_type = 'member' "
            "AND subject_id = ? AND purpose = 'democratic' ORDER BY year DESC, seq DESC LIMIT 1",
            [member_id],
        )

    def pledge_evaluations(self, member_id: str, years: tuple[int, ...]) -> list[dict]:
        marks = ", ".join("?" for _ in years)
        return self.db.query(
            "SELECT e.round_id, e.subject_id AS pledge_id, e.year, e.score, e.grade FROM aw_evaluations e "
            "JOIN aw_pledge_members p ON p.pledge_id = e.subject_id WHERE e.purpose = 'pledge' "
            f"AND e.subject_type = 'pledge' AND p.member_id = ? AND e.year IN ({marks}) ORDER BY e.seq",
            [member_id, *years],
        )

    def about(self, org_id: str, member_id: str | None, year: int) -> dict:
        """The facts an eligibility decision uses; they are recorded with it (H5: a replay shows what was known)."""
        facts: dict = {"grade": self.grade(org_id), "rectification": self.latest_rectification(org_id)}
        if member_id:
            facts |= {
                "democratic": self.democratic(member_id),
                "pledge_evaluations": self.pledge_evaluations(member_id, (year - 1, year)),
            }
        return facts
