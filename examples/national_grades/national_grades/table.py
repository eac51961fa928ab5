"""The national table of 定级确定 in this consumer's OWN PostgreSQL schema, and the ledger of processed event ids.

One transaction per message: the event id goes into ``processed_events`` (its primary key makes a second
delivery a no-op) and the grade into ``grades``; the message is acknowledged only after the commit. A crash
before the commit loses nothing (the message comes again); a crash after it and before the ack brings the
message again, and the ledger says it is done — so each determination counts exactly once.
"""

from __future__ import annotations

import psycopg

from .cloudevents import CloudEvent

SCHEMA = "national_grades"
DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.processed_events (
    event_id text PRIMARY KEY,          -- ce-id: the idempotency key
    event_type text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.grades (
    org_id text NOT NULL,
    year integer NOT NULL,
    grade text NOT NULL,                -- 等次, e.g. 先进 / 一般 / 后进
    rank integer NOT NULL,              -- 0 = the ladder's top rung
    ladder text[] NOT NULL,
    score numeric(5, 2) NOT NULL,
    cycle_id text NOT NULL,
    local_path text NOT NULL,           -- ce-localpath: 13/1301/130102/…
    vertical_path text NOT NULL,        -- ce-verticalpath: tax/13/… or empty
    determined_at timestamptz NOT NULL, -- ce-time
    source_sequence bigint NOT NULL,    -- ce-sequence of the event the row shows
    event_id text NOT NULL,
    determinations integer NOT NULL DEFAULT 1, -- events applied to this row (a re-determination adds one)
    PRIMARY KEY (org_id, year)
);
"""

UPSERT = f"""
INSERT INTO {SCHEMA}.grades AS g (org_id, year, grade, rank, ladder, score, cycle_id, local_path, vertical_path,
                                  determined_at, source_sequence, event_id)
VALUES (%(org_id)s, %(year)s, %(grade)s, %(rank)s, %(ladder)s, %(score)s, %(cycle_id)s, %(local_path)s,
        %(vertical_path)s, %(determined_at)s, %(source_sequence)s, %(event_id)s)
ON CONFLICT (org_id, year) DO UPDATE SET
    grade = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.grade ELSE g.grade END,
    rank = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.rank ELSE g.rank END,
    ladder = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.ladder ELSE g.ladder END,
    score = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.score ELSE g.score END,
    cycle_id = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.cycle_id ELSE g.cycle_id END,
    determined_at = GREATEST(g.determined_at, EXCLUDED.determined_at),
    event_id = CASE WHEN EXCLUDED.source_sequence > g.source_sequence THEN EXCLUDED.event_id ELSE g.event_id END,
    source_sequence = GREATEST(g.source_sequence, EXCLUDED.source_sequence),
    determinations = g.determinations + 1
"""


def row_of(event: CloudEvent) -> dict:
    """The table's row from 定级确定 v1 (``grade`` a label, ``rank`` and ``ladder`` beside it) or v2 (``grade`` an
    object with ``label``, ``rank``, ``ladder``) — so moving the subscription to v2 changes nothing here."""
    data, attrs = event.data, event.attributes
    grade = data["grade"]
    label, rank, ladder = (
        (grade["label"], grade["rank"], grade["ladder"])
        if isinstance(grade, dict)
        else (grade, data["rank"], data["ladder"])
    )
    return {
        "org_id": data["org_id"],
        "year": data["year"],
        "grade": label,
        "rank": rank,
        "ladder": ladder,
        "score": data["score"],
        "cycle_id": data["cycle_id"],
        "local_path": attrs.get("localpath", ""),
        "vertical_path": attrs.get("verticalpath", ""),
        "determined_at": attrs["time"],
        "source_sequence": event.sequence,
        "event_id": event.id,
    }


def create(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute(DDL)


def record(conn: psycopg.Connection, event: CloudEvent) -> bool:
    """Apply one 定级确定 in one transaction; False (and nothing changed) if its event id was processed before."""
    with conn.transaction():
        first = conn.execute(
            f"INSERT INTO {SCHEMA}.processed_events (event_id, event_type) VALUES (%s, %s) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            (event.id, event.type),
        ).fetchone()
        if first is None:
            return False
        conn.execute(UPSERT, row_of(event))
    return True
