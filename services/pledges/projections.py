"""The ledger 承诺台账 (P9): every pledge with its state, per org, from the pledges stream."""

from __future__ import annotations

import json

from shared.db import Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles


def proposed_row(env: Envelope) -> dict:
    """The ledger row 承诺提出 starts."""
    d = env.data
    return {
        "pledge_id": env.subject,
        "org_id": env.orgid,
        "host_org_id": d.get("host_org"),
        "local_path": env.localpath,
        "vertical_path": env.verticalpath,
        "pledger_kind": d["pledger_kind"],
        "member_ids": json.dumps(d["member_ids"]),
        "is_leading": int(d["leading"]),
        "kind": d["kind"],
        "year": d["year"],
        "due": d["due"],
        "state": "proposed",
        "items": json.dumps(d["items"], ensure_ascii=False),
        "trig": d.get("trigger"),
        "post": d.get("post"),
        "proposed_at": env.time,
        "updated_at": env.time,
        "last_seq": env.sequence,
    }


class Ledger(Projection):
    name = "ledger"
    source = "pledges"
    tables = ("pl_pledges", "pl_progress")
    ddl = """
    CREATE TABLE IF NOT EXISTS pl_pledges (
        pledge_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, host_org_id TEXT, local_path TEXT NOT NULL,
        vertical_path TEXT NOT NULL, pledger_kind TEXT NOT NULL, member_ids TEXT NOT NULL, is_leading INTEGER NOT NULL,
        kind TEXT NOT NULL, year INTEGER NOT NULL, due TEXT NOT NULL, state TEXT NOT NULL, items TEXT NOT NULL,
        trig TEXT, post TEXT, channel TEXT, return_reasons TEXT, progress_count INTEGER NOT NULL DEFAULT 0,
        reminders INTEGER NOT NULL DEFAULT 0, last_reminded TEXT,
        proposed_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_seq BIGINT NOT NULL);
    CREATE INDEX IF NOT EXISTS pl_pledges_org ON pl_pledges (org_id, year);
    CREATE INDEX IF NOT EXISTS pl_pledges_host ON pl_pledges (host_org_id);
    CREATE INDEX IF NOT EXISTS pl_pledges_local ON pl_pledges (local_path);
    CREATE INDEX IF NOT EXISTS pl_pledges_vertical ON pl_pledges (vertical_path);
    CREATE TABLE IF NOT EXISTS pl_progress (
        pledge_id TEXT NOT NULL, event_id TEXT PRIMARY KEY, at TEXT NOT NULL, text TEXT NOT NULL, evidence TEXT NOT NULL);
    """

    @handles("proposed")
    def proposed(self, tx: Tx, env: Envelope) -> None:
        tx.insert("pl_pledges", proposed_row(env))

    def _update(self, tx: Tx, env: Envelope, sets: str, params: list) -> None:
        tx.execute(
            f"UPDATE pl_pledges SET {sets}, updated_at = ?, last_seq = ?, local_path = ?, vertical_path = ? "
            "WHERE pledge_id = ?",
            [*params, env.time, env.sequence, env.localpath, env.verticalpath, env.subject],
        )

    @handles("returned")
    def returned(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "state = 'returned', return_reasons = ?", [env.data["reasons"]])

    @handles("revised")
    def revised(self, tx: Tx, env: Envelope) -> None:
        self._update(
            tx,
            env,
            "state = 'proposed', items = ?, due = ?",
            [json.dumps(env.data["items"], ensure_ascii=False), env.data["due"]],
        )

    @handles("approved")
    def approved(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "state = 'approved'", [])

    @handles("publicised")
    def publicised(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "state = 'publicised', channel = ?", [env.data["channel"]])

    @handles("progress_reported")
    def progress(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "progress_count = progress_count + 1", [])
        evidence = json.dumps(env.data["evidence"], ensure_ascii=False)
        tx.insert(
            "pl_progress",
            {
                "pledge_id": env.subject,
                "event_id": env.id,
                "at": env.time,
                "text": env.data["text"],
                "evidence": evidence,
            },
        )

    @handles("reminded")
    def reminded(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "reminders = reminders + 1, last_reminded = ?", [env.data["on"]])

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "state = 'completed'", [])

    @handles("unfulfilled")
    def unfulfilled(self, tx: Tx, env: Envelope) -> None:
        self._update(tx, env, "state = 'unfulfilled'", [])


LEDGER_COLUMNS = (
    "pledge_id, org_id, host_org_id, local_path, vertical_path, pledger_kind, member_ids, is_leading, kind,"
    " year, due, state, items, trig, post, channel, return_reasons, progress_count, reminders,"
    " last_reminded, e.evaluation AS evaluation, proposed_at, updated_at"
)


class EvaluationResults(Projection):
    """评诺 result fed back (P4, P7): 评议完成 of a pledge's round, from the evaluations stream, shown on the
    pledge in the ledger. Its own table, joined at query time: the two streams are read by two runners, so
    a rebuild may meet a result before its pledge."""

    name = "evaluation_results"
    source = "evaluations"
    tables = ("pl_evaluation_results",)
    ddl = "CREATE TABLE IF NOT EXISTS pl_evaluation_results (pledge_id TEXT PRIMARY KEY, evaluation TEXT NOT NULL)"

    @handles("completed")
    def completed(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        if d["subject_type"] != "pledge":
            return
        result = json.dumps(
            {k: d[k] for k in ("round_id", "score", "grade", "participation", "published")}, ensure_ascii=False
        )
        tx.upsert("pl_evaluation_results", {"pledge_id": d["subject_id"], "evaluation": result}, key=("pledge_id",))
