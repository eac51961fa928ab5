"""Read models of the evaluations service: rounds and results, windows (三亮, 三比), and the pledges
that need a round (P7). Handlers are pure SQL; jobs turn "to open" rows into commands."""

from __future__ import annotations

import datetime as dt
import json

from shared.db import Database, Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles


class Rounds(Projection):
    """Every round with its result (E6), windows with their disclosures (E2) and contest scores (E3)."""

    name = "rounds"
    source = "evaluations"
    tables = ("ev_rounds", "ev_windows", "ev_disclosures", "ev_contest_scores")
    ddl = """
    CREATE TABLE IF NOT EXISTS ev_rounds (
        round_id TEXT PRIMARY KEY, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, purpose TEXT NOT NULL,
        year INTEGER NOT NULL, org_id TEXT NOT NULL, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL,
        state TEXT NOT NULL, start_on TEXT NOT NULL, end_on TEXT NOT NULL, publish INTEGER NOT NULL, has_mass INTEGER NOT NULL,
        score DOUBLE PRECISION, grade TEXT, participation TEXT, modes TEXT, closed_at TEXT);
    CREATE INDEX IF NOT EXISTS ev_rounds_due ON ev_rounds (state, end_on);
    CREATE INDEX IF NOT EXISTS ev_rounds_subject ON ev_rounds (subject_type, subject_id);
    CREATE INDEX IF NOT EXISTS ev_rounds_local ON ev_rounds (local_path);
    CREATE INDEX IF NOT EXISTS ev_rounds_vertical ON ev_rounds (vertical_path);
    CREATE TABLE IF NOT EXISTS ev_windows (
        window_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, local_path TEXT NOT NULL,
        vertical_path TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ev_disclosures (
        event_id TEXT PRIMARY KEY, window_id TEXT NOT NULL, show_kind TEXT NOT NULL, title TEXT NOT NULL,
        content TEXT NOT NULL, disclosed_on TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ev_contest_scores (
        event_id TEXT PRIMARY KEY, window_id TEXT NOT NULL, org_id TEXT NOT NULL, local_path TEXT NOT NULL,
        vertical_path TEXT NOT NULL, contest TEXT NOT NULL, label TEXT NOT NULL, target_id TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL);
    CREATE INDEX IF NOT EXISTS ev_contest_rank ON ev_contest_scores (contest, label);
    """

    @handles("opened")
    def opened(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "ev_rounds",
            {
                "round_id": env.subject,
                "subject_type": d["subject_type"],
                "subject_id": d["subject_id"],
                "purpose": d["purpose"],
                "year": d["year"],
                "org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "state": "open",
                "start_on": d["start"],
                "end_on": d["end"],
                "publish": int(d["publish"]),
                "has_mass": int("mass" in d["modes"]),
            },
        )

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute(
            "UPDATE ev_rounds SET state = 'completed', score = ?, grade = ?, participation = ?, modes = ?,"
            " closed_at = ? WHERE round_id = ?",
            [d["score"], d["grade"], json.dumps(d["participation"]), json.dumps(d["modes"]), env.time, env.subject],
        )

    @handles("lapsed")
    def lapsed(self, tx: Tx, env: Envelope) -> None:
        tx.execute(
            "UPDATE ev_rounds SET state = 'lapsed', participation = ?, closed_at = ? WHERE round_id = ?",
            [json.dumps(env.data["participation"]), env.time, env.subject],
        )

    @handles("window_registered")
    def window(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "ev_windows",
            {
                "window_id": d["window_id"],
                "org_id": d["org_id"],
                "name": d["name"],
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
            },
        )

    @handles("disclosed")
    def disclosed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "ev_disclosures",
            {
                "event_id": env.id,
                "window_id": d["window_id"],
                "show_kind": d["show"],
                "title": d["title"],
                "content": d["content"],
                "disclosed_on": d["on"],
            },
        )

    @handles("contest_scored")
    def contest_scored(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "ev_contest_scores",
            {
                "event_id": env.id,
                "window_id": d["window_id"],
                "org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "contest": d["contest"],
                "label": d["label"],
                "target_id": d["target"],
                "score": d["score"],
            },
        )


class PledgesToEvaluate(Projection):
    """P7 from the pledges stream: who pledged what, and which pledge now needs its round.
    An ad-hoc pledge that is completed or unfulfilled is queued at once (一事一评); annual pledges are
    queued by the yearly batch (jobs.open_pledge_rounds / the batch command)."""

    name = "pledges_to_evaluate"
    source = "pledges"
    tables = ("ev_pledges", "ev_to_open")
    ddl = """
    CREATE TABLE IF NOT EXISTS ev_pledges (
        pledge_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, member_ids TEXT NOT NULL, kind TEXT NOT NULL,
        year INTEGER NOT NULL, state TEXT NOT NULL, last_event_id TEXT NOT NULL, correlation_id TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS ev_pledges_year ON ev_pledges (kind, year, state);
    CREATE TABLE IF NOT EXISTS ev_to_open (
        pledge_id TEXT PRIMARY KEY, cause_event_id TEXT NOT NULL, correlation_id TEXT NOT NULL,
        queued_at TEXT NOT NULL, opened_round TEXT);
    """

    @handles("proposed")
    def proposed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert(
            "ev_pledges",
            {
                "pledge_id": env.subject,
                "org_id": env.orgid,
                "member_ids": json.dumps(d["member_ids"]),
                "kind": d["kind"],
                "year": d["year"],
                "state": "proposed",
                "last_event_id": env.id,
                "correlation_id": env.correlationid,
            },
        )

    def _state(self, tx: Tx, env: Envelope, state: str) -> None:
        tx.execute(
            "UPDATE ev_pledges SET state = ?, last_event_id = ?, correlation_id = ? WHERE pledge_id = ?",
            [state, env.id, env.correlationid, env.subject],
        )

    @handles("publicised")
    def publicised(self, tx: Tx, env: Envelope) -> None:
        self._state(tx, env, "publicised")

    @handles("completed", "unfulfilled")
    def finished(self, tx: Tx, env: Envelope) -> None:
        self._state(tx, env, env.event_name)
        row = tx.execute("SELECT kind FROM ev_pledges WHERE pledge_id = ?", [env.subject]).one()
        if row and row["kind"] == "adhoc":
            queue(tx, env.subject, env.id, env.correlationid, env.time)


def queue(tx: Tx, pledge_id: str, cause_event_id: str, correlation_id: str, at: str) -> None:
    tx.insert_new(
        "ev_to_open",
        {"pledge_id": pledge_id, "cause_event_id": cause_event_id, "correlation_id": correlation_id, "queued_at": at},
        key=("pledge_id",),
    )


def queue_annual(db: Database, where: str, params: list) -> int:
    """P7: annual pledges that reached fulfilment (publicised, completed, unfulfilled) get their yearly round.
    Queued rows become rounds in the next job run (jobs.open_pledge_rounds); queuing twice changes nothing."""
    rows = db.query(
        f"SELECT pledge_id, last_event_id, correlation_id FROM ev_pledges WHERE kind = 'annual' AND "
        f"state IN ('publicised', 'completed', 'unfulfilled') AND {where}",
        params,
    )
    at = dt.datetime.now(dt.UTC).isoformat()
    with db.transaction() as tx:
        for r in rows:
            queue(tx, r["pledge_id"], r["last_event_id"], r["correlation_id"], at)
    return len(rows)
