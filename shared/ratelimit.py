"""Rate limits of the anonymous public endpoints (E5 群众评议, A5 公示 objections), shared by every process of a
service through its own store (DESIGN: nothing that must be shared between processes lives in one's memory).

A limit named in ``CXZY_RATE_LIMITS`` (shared/settings.py) allows ``limit`` requests per ``window_s`` seconds
per key — a client address or a device. A key's window opens at its first request and lasts ``window_s``;
one row per (limit, key) counts the requests in it. Counting is one atomic upsert, so processes sharing the
store never both take the last place. A refused request counts too but never extends the window, so a
flood is refused until its window ends and no longer. Rows of ended windows are purged (at most once a
minute per process): the table holds the keys active in the last window, nothing more.

Keys are stored as keyed hashes: the table holds no client addresses and no device cookies.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import Request

from .db import Database
from .errors import TooMany
from .settings import Settings

if TYPE_CHECKING:
    from .service import ServiceRuntime

RATE_DDL = """
CREATE TABLE IF NOT EXISTS cxzy_rate_limits (
    name TEXT NOT NULL, key_hash TEXT NOT NULL, window_end DOUBLE PRECISION NOT NULL, hits BIGINT NOT NULL,
    PRIMARY KEY (name, key_hash));
CREATE INDEX IF NOT EXISTS cxzy_rate_limits_window_end ON cxzy_rate_limits (window_end)
"""
COUNT = """
INSERT INTO cxzy_rate_limits (name, key_hash, window_end, hits) VALUES (?, ?, ?, 1)
ON CONFLICT (name, key_hash) DO UPDATE SET
    hits = CASE WHEN cxzy_rate_limits.window_end <= ? THEN 1 ELSE cxzy_rate_limits.hits + 1 END,
    window_end = CASE WHEN cxzy_rate_limits.window_end <= ? THEN excluded.window_end
                      ELSE cxzy_rate_limits.window_end END
RETURNING hits, window_end
"""
PURGE_EVERY_S = 60.0
_tables_made: weakref.WeakSet[Database] = weakref.WeakSet()


def _span(seconds: float) -> tuple[str, str]:
    """A duration as people say it, in Chinese and English (rounded up)."""
    for unit, zh, en in ((3600, "小时", "h"), (60, "分钟", "min")):
        if seconds >= unit:
            n = math.ceil(seconds / unit - 1e-9)
            return f"{n} {zh}", f"{n} {en}"
    n = max(1, math.ceil(seconds))
    return f"{n} 秒", f"{n} s"


class RateLimiter:
    """At most ``limit`` requests per ``window_s`` seconds per key, counted in ``db``."""

    def __init__(
        self,
        db: Database,
        name: str,
        limit: int,
        window_s: float,
        secret: bytes = b"",
        clock: Callable[[], float] = time.time,
    ):
        self.db, self.name, self.limit, self.window_s = db, name, limit, window_s
        self._secret, self._clock = secret, clock
        self._next_purge = 0.0
        if db not in _tables_made:
            db.script(RATE_DDL)
            _tables_made.add(db)

    def key_hash(self, key: str) -> str:
        return hmac.new(self._secret, f"{self.name}:{key}".encode(), hashlib.sha256).hexdigest()

    def check(self, key: str) -> None:
        """Count one request of ``key``; :class:`TooMany` (429) if it is over the limit."""
        now = self._clock()
        with self.db.transaction() as tx:
            row = tx.execute(COUNT, [self.name, self.key_hash(key), now + self.window_s, now, now]).one()
        assert row is not None
        if now >= self._next_purge:
            self.purge(now)
        if row["hits"] > self.limit:
            per_zh, per_en = _span(self.window_s)
            wait_zh, wait_en = _span(row["window_end"] - now)
            raise TooMany(
                f"more than {self.limit} requests per {self.window_s:g} s ({self.name})",
                title_zh=f"操作过于频繁：每 {per_zh}内最多 {self.limit} 次，请在 {wait_zh}后再试",
                title_en=f"Too many requests: at most {self.limit} per {per_en}; try again in {wait_en}",
                retry_after_s=math.ceil(row["window_end"] - now),
            )

    def check_request(self, request: Request) -> None:
        """Count one request of the client's address (the TCP peer, or what a trusted proxy forwarded)."""
        self.check(request.client.host if request.client else "unknown")

    def purge(self, now: float) -> None:
        """Forget every ended window (of every limit in this store)."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM cxzy_rate_limits WHERE window_end <= ?", [now])
        self._next_purge = now + PURGE_EVERY_S


def limits_secret(settings: Settings) -> bytes:
    """The key that hashes limited keys: derived from the service's signing key, never stored."""
    secret = settings.jwt_keys.split(",")[0].partition(":")[2]
    return hashlib.sha256(b"cxzy-rate-limits|" + secret.encode()).digest()


_per_runtime: weakref.WeakKeyDictionary[object, dict[str, RateLimiter]] = weakref.WeakKeyDictionary()


def limiter_for(rt: ServiceRuntime, name: str) -> RateLimiter:
    """The limiter ``name`` of a service (configured by ``CXZY_RATE_LIMITS``), shared by its pages and API
    routes in this process and, through the service's store, with its other processes."""
    limiters = _per_runtime.setdefault(rt, {})
    if name not in limiters:
        limit, window_s = rt.settings.rate_limit(name)
        limiters[name] = RateLimiter(rt.db, name, limit, window_s, limits_secret(rt.settings))
    return limiters[name]
