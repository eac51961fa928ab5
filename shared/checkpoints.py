"""Where each projection stands, kept in the view store beside its tables (docs/ARCHITECTURE.md: the checkpoint
lives with its view), and the events it had to give up on (parked for an operator).

Advancing the checkpoint happens in the same transaction as the view change, so the stored
stream sequence is the only truth about what a projection has applied.
"""

from __future__ import annotations

import datetime as dt

from .db import Database, Tx


def position(store: Database | Tx, projection: str) -> int:
    """The stream sequence of the last event ``projection`` applied (0 before the first). Inside a
    transaction the row stays locked until it ends, so two processes that both believe they hold a
    projection (a paused holder waking after failover) apply each event once: the second one waits,
    then sees the first one's checkpoint and skips what it applied."""
    sql, params = "SELECT stream_seq FROM cxzy_checkpoints WHERE projection = ?", [projection]
    if isinstance(store, Tx):
        row = store.execute(sql + (" FOR UPDATE" if store.postgres else ""), params).one()
    else:
        row = store.one(sql, params)
    return int(row["stream_seq"]) if row else 0


def advance(tx: Tx, projection: str, seq: int) -> None:
    tx.upsert("cxzy_checkpoints", {"projection": projection, "stream_seq": seq}, key=("projection",))


def park(tx: Tx, projection: str, seq: int, subject: str, event_id: str | None, error: str) -> None:
    """Give up on one event: record it where an operator sees it (``cxzy_parked``) and move past it."""
    tx.execute(
        "INSERT INTO cxzy_parked (projection, stream_seq, subject, event_id, error, parked_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (projection, stream_seq) DO NOTHING",
        [projection, seq, subject, event_id, error[:2000], dt.datetime.now(dt.UTC).isoformat()],
    )
    advance(tx, projection, max(seq, position(tx, projection)))


def forget(tx: Tx, projection: str) -> None:
    """The next start rebuilds ``projection`` from sequence 1 (replay)."""
    tx.execute("DELETE FROM cxzy_checkpoints WHERE projection = ?", [projection])
    tx.execute("DELETE FROM cxzy_parked WHERE projection = ?", [projection])
