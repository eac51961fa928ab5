"""Rate limits for anonymous public endpoints (E5 mass ratings, A5 公示 objections).

In memory and per process: behind several processes, put the same limit in the reverse proxy too.
"""

from __future__ import annotations

import collections
import threading
import time
import weakref

from fastapi import Request

from .errors import TooMany


class RateLimiter:
    """At most ``limit`` actions per ``window_s`` per key (a client address)."""

    def __init__(self, limit: int = 30, window_s: float = 600.0):
        self.limit, self.window_s = limit, window_s
        self._hits: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        at = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= at - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                raise TooMany(f"more than {self.limit} requests in {self.window_s:g} s from this address")
            hits.append(at)

    def check_request(self, request: Request) -> None:
        self.check(request.client.host if request.client else "unknown")


_per_owner: weakref.WeakKeyDictionary[object, dict[str, RateLimiter]] = weakref.WeakKeyDictionary()


def limiter_for(owner: object, name: str, limit: int = 30, window_s: float = 600.0) -> RateLimiter:
    """The one limiter called ``name`` of ``owner`` (a service runtime), shared by its pages and API routes."""
    return _per_owner.setdefault(owner, {}).setdefault(name, RateLimiter(limit, window_s))
