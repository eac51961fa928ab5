"""Anonymous public endpoints are rate-limited per endpoint (E5 ratings, A5 objections), counted in the
service's own store so that every process of the service shares the count — on SQLite and PostgreSQL."""

import multiprocessing

import pytest
from pydantic import ValidationError

from shared.db import Database
from shared.errors import TooMany
from shared.ratelimit import PURGE_EVERY_S, RateLimiter, limiter_for
from shared.settings import Settings
from tests.stack import FreshPostgres


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(tmp_path, store):
    pg = FreshPostgres() if store == "postgres" else None
    yield Settings(var_dir=tmp_path / "var", store=store, postgres_dsn=pg.dsn if pg else "")
    if pg:
        pg.drop()


@pytest.fixture
def db(settings):
    database = Database(settings, "limits")
    yield database
    database.close()


def test_limit_per_key_within_a_window(db):
    clock = Clock()
    limiter = RateLimiter(db, "objection", limit=3, window_s=600, clock=clock)
    for _ in range(3):
        limiter.check("10.0.0.1")
    with pytest.raises(TooMany) as refused:
        limiter.check("10.0.0.1")
    problem = refused.value.body()
    assert problem["status"] == 429 and problem["retry_after_s"] == 600
    assert problem["title_zh"] == "操作过于频繁：每 10 分钟内最多 3 次，请在 10 分钟后再试"
    assert problem["title_en"] == "Too many requests: at most 3 per 10 min; try again in 10 min"
    limiter.check("10.0.0.2")  # another address is not affected
    RateLimiter(db, "ballot", limit=3, window_s=600, clock=clock).check("10.0.0.1")  # nor another limit
    clock.now += 599
    with pytest.raises(TooMany):  # refused requests count but do not extend the window …
        limiter.check("10.0.0.1")
    clock.now += 1
    limiter.check("10.0.0.1")  # … which ends on time


def test_count_is_shared_between_connections(settings, db):
    """Two processes of a service each have their own connections to the store: one count."""
    clock = Clock()
    other = Database(settings, "limits")
    try:
        here = RateLimiter(db, "vote", limit=4, window_s=60, clock=clock)
        there = RateLimiter(other, "vote", limit=4, window_s=60, clock=clock)
        for limiter in (here, there, here, there):
            limiter.check("device-1")
        for limiter in (here, there):
            with pytest.raises(TooMany):
                limiter.check("device-1")
    finally:
        other.close()


def _hammer(settings_json: str, start, tries: int) -> int:
    """In a process of its own: how many of ``tries`` requests the shared limit let through."""
    database = Database(Settings.model_validate_json(settings_json), "limits")
    limiter = RateLimiter(database, "objection", limit=25, window_s=600)
    start.wait()
    allowed = 0
    for _ in range(tries):
        try:
            limiter.check("203.0.113.7")
            allowed += 1
        except TooMany:
            pass
    database.close()
    return allowed


def test_processes_racing_for_the_last_places_take_exactly_the_limit(settings, db):
    RateLimiter(db, "objection", limit=25, window_s=600)  # the table exists before the race
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(4) as pool:
        start = manager.Event()
        results = [pool.apply_async(_hammer, (settings.model_dump_json(), start, 15)) for _ in range(4)]
        start.set()
        allowed = [r.get(timeout=120) for r in results]
    assert sum(allowed) == 25, allowed  # 60 tried, 25 allowed: no process counted alone, none double-booked


def test_ended_windows_are_purged_and_keys_are_not_stored(db):
    clock = Clock()
    limiter = RateLimiter(db, "ballot", limit=30, window_s=60, clock=clock)
    for n in range(50):
        limiter.check(f"198.51.100.{n}")
    rows = db.query("SELECT name, key_hash, hits FROM cxzy_rate_limits")
    assert len(rows) == 50 and not any("198.51.100" in r["key_hash"] for r in rows)
    clock.now += 60 + PURGE_EVERY_S
    limiter.check("198.51.100.200")
    assert db.query("SELECT key_hash FROM cxzy_rate_limits") == [{"key_hash": limiter.key_hash("198.51.100.200")}]


def test_limits_are_configured_per_endpoint(tmp_path):
    defaults = Settings(var_dir=tmp_path)
    assert defaults.rate_limit("ballot") == (30, 60) and defaults.rate_limit("vote") == (10, 600)
    assert defaults.rate_limit("objection") == (5, 3600)
    tuned = Settings(var_dir=tmp_path, rate_limits="objection=20/600, ballot=120/60")
    assert (tuned.rate_limit("objection"), tuned.rate_limit("ballot"), tuned.rate_limit("vote")) == (
        (20, 600),
        (120, 60),
        (10, 600),  # not named: its default
    )
    for wrong in ("objections=5/3600", "objection=5", "objection=0/60", "objection=five/3600", "vote=3/-1"):
        with pytest.raises(ValidationError, match="name=requests/seconds"):
            Settings(var_dir=tmp_path, rate_limits=wrong)


def test_one_limiter_per_runtime_and_name(settings):
    class Runtime:
        def __init__(self) -> None:
            self.settings = settings.model_copy(update={"rate_limits": "vote=2/60"})
            self.db = Database(self.settings, "limits")

    a, b = Runtime(), Runtime()
    try:
        assert limiter_for(a, "objection") is limiter_for(a, "objection")  # type: ignore[arg-type]
        assert limiter_for(a, "objection") is not limiter_for(b, "objection")  # type: ignore[arg-type]
        vote = limiter_for(a, "vote")  # type: ignore[arg-type]
        assert (vote.limit, vote.window_s) == (2, 60)
    finally:
        a.db.close()
        b.db.close()
