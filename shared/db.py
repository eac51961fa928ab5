"""The read-model store of one service: a SQLite file by default, a PostgreSQL schema in production.

Read models, projection checkpoints and the relay checkpoint live here. SQL is written once with
``?`` placeholders and portable types (TEXT, BIGINT, DOUBLE PRECISION); PostgreSQL gets ``%s``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from .settings import Settings

KERNEL_DDL = """
CREATE TABLE IF NOT EXISTS cxzy_checkpoints (projection TEXT PRIMARY KEY, stream_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS cxzy_relay (service TEXT PRIMARY KEY, position BIGINT NOT NULL, last_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cxzy_parked (
    projection TEXT NOT NULL, stream_seq BIGINT NOT NULL, subject TEXT NOT NULL,
    event_id TEXT, error TEXT NOT NULL, parked_at TEXT NOT NULL, PRIMARY KEY (projection, stream_seq));
"""


def schema_name(service: str) -> str:
    return f"cxzy_{service}"


class Tx:
    """One transaction. ``execute`` takes ``?`` placeholders on both stores."""

    def __init__(self, cursor: Any, postgres: bool):
        self._cur = cursor
        self._pg = postgres

    @property
    def postgres(self) -> bool:
        return self._pg

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        self._cur.execute(sql.replace("?", "%s") if self._pg else sql, tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cur.executemany(sql.replace("?", "%s") if self._pg else sql, rows)

    def all(self) -> list[dict]:
        rows = self._cur.fetchall()
        return [dict(r) for r in rows]

    def one(self) -> dict | None:
        row = self._cur.fetchone()
        return dict(row) if row is not None else None

    def insert(self, table: str, row: dict[str, Any]) -> Tx:
        """``INSERT`` one row given as a dict: the column list and the placeholders come from its keys."""
        columns = ", ".join(row)
        return self.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))

    def insert_new(self, table: str, row: dict[str, Any], key: tuple[str, ...]) -> Tx:
        """Insert ``row`` unless a row with the same ``key`` columns exists (a redelivered event, a shared scheme)."""
        columns = ", ".join(row)
        return self.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))}) ON CONFLICT ({', '.join(key)}) DO NOTHING",
            list(row.values()),
        )

    def upsert(self, table: str, row: dict[str, Any], key: tuple[str, ...]) -> Tx:
        """Insert ``row``, or update its other columns where a row with the same ``key`` columns exists."""
        columns = ", ".join(row)
        changed = [c for c in row if c not in key]
        action = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in changed) if changed else "DO NOTHING"
        return self.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))}) "
            f"ON CONFLICT ({', '.join(key)}) {action}",
            list(row.values()),
        )

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)

    def flush(self) -> None:
        """Send what is held back: nothing here (see :class:`BatchTx`)."""


_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE")  # what executemany takes (SQLite refuses a SELECT)


class BatchTx(Tx):
    """A projection batch's transaction (``Database.transaction(batch=True)``): statements are sent in order,
    but consecutive ones with the same SQL go to the driver together, as one ``executemany``. Reading a
    result (``one``, ``all``, ``rowcount``) first sends what is pending, the statement read alone, so every
    statement sees the ones before it and a result is that statement's own."""

    def __init__(self, cursor: Any, postgres: bool, sync: Callable[[], None] | None = None):
        super().__init__(cursor, postgres)
        self._sync = sync  # PostgreSQL's pipeline: results (a rowcount) are known once it is synced
        self._sql: str | None = None
        self._rows: list[Sequence[Any]] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        if sql != self._sql:
            self.flush()
            self._sql = sql
        self._rows.append(tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.flush()
        super().executemany(sql, rows)

    def flush(self) -> None:
        """Send every pending statement."""
        sql, rows = self._sql, self._rows
        self._sql, self._rows = None, []
        if rows:
            self._send(sql or "", rows)

    def _settle(self) -> None:
        """Send what is pending, the last statement on its own (its result is the one read)."""
        sql, rows = self._sql, self._rows
        self._sql, self._rows = None, []
        if rows:
            self._send(sql or "", rows[:-1])
            Tx.execute(self, sql or "", rows[-1])

    def _send(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if len(rows) > 1 and sql.lstrip()[:7].upper().startswith(_DML):
            super().executemany(sql, rows)
        else:
            for params in rows:
                Tx.execute(self, sql, params)

    def all(self) -> list[dict]:
        self._settle()
        return super().all()

    def one(self) -> dict | None:
        self._settle()
        return super().one()

    @property
    def rowcount(self) -> int:
        self._settle()
        if self._sync is not None:
            self._sync()
        return int(self._cur.rowcount)


class Database:
    def __init__(self, settings: Settings, service: str):
        self.service = service
        self.postgres = settings.store == "postgres"
        self._local = threading.local()
        if self.postgres:
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool

            schema = schema_name(service)
            import psycopg

            with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self._pool = ConnectionPool(
                settings.postgres_dsn,
                min_size=1,
                max_size=8,
                kwargs={"row_factory": dict_row, "options": f"-c search_path={schema}"},
                open=True,
            )
        else:
            self.path = settings.sqlite_path(service, "views")
        self.script(KERNEL_DDL)

    def _sqlite(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, write: bool = True, batch: bool = False) -> Iterator[Tx]:
        """One transaction. SQLite takes its write lock up front only when ``write`` (readers never queue).
        ``batch``: many statements in a row (a projection's fetched batch) — a :class:`BatchTx`, sending runs of
        the same statement together; on PostgreSQL in pipeline mode, so each costs no round trip of its own."""
        if self.postgres:
            with self._pool.connection() as pg:
                with pg.pipeline() if batch else nullcontext() as pipeline, pg.transaction(), pg.cursor() as cur:
                    tx = BatchTx(cur, True, pipeline.sync) if pipeline else Tx(cur, True)
                    yield tx
                    tx.flush()
        else:
            conn = self._sqlite()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                tx = BatchTx(conn.cursor(), False) if batch else Tx(conn.cursor(), False)
                yield tx
                tx.flush()
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        with self.transaction(write=False) as tx:
            return tx.execute(sql, params).all()

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def script(self, ddl: str) -> None:
        with self.transaction() as tx:
            for statement in (s.strip() for s in ddl.split(";")):
                if statement:
                    tx.execute(statement)

    def close(self) -> None:
        if self.postgres:
            self._pool.close()
        else:
            conn = getattr(self._local, "conn", None)
            if conn is not None:
                conn.close()
                self._local.conn = None


@contextmanager
def schema_lock(settings: Settings, service: str) -> Iterator[None]:
    """Held while a process creates a service's schema and tables: PostgreSQL refuses concurrent catalog
    changes ("tuple concurrently updated") when several processes of a service start at once. A session
    advisory lock on its own connection; SQLite needs none (its write lock serialises DDL)."""
    if settings.store != "postgres":
        yield
        return
    import psycopg

    with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"cxzy-schema:{service}"])
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"cxzy-schema:{service}"])


def eventsourcing_env(settings: Settings, service: str) -> dict[str, str]:
    """The write model's store (eventsourcing's own environment variables)."""
    if settings.store == "postgres":
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(settings.postgres_dsn)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": str(info.get("dbname", "cxzy")),
            "POSTGRES_HOST": str(info.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(info.get("port", "5432")),
            "POSTGRES_USER": str(info.get("user", "postgres")),
            "POSTGRES_PASSWORD": str(info.get("password", "")),
            "POSTGRES_SCHEMA": schema_name(service),
            "POSTGRES_POOL_SIZE": "2",  # opened at start; grows to 2 + 8 under load (many processes share one server)
            "POSTGRES_MAX_OVERFLOW": "8",
        }
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.sqlite_path(service, "events")),
    }
