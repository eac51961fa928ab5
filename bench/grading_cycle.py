"""Figure — the cost of one 定级确定 as its cycle grows (issue 10): load the cycle, check the G5 ratio
rules, count the determination, save — at cycle sizes from a county's to a province's. The cycle keeps
counts (not a list of orgs) and is snapshotted every 100 events, so the cost should be flat. Beside it,
the raw ``Application.save`` of a fresh aggregate on the same store in the same run."""

from __future__ import annotations

import asyncio
import time
import uuid

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from services.grading.application import GradingApp
from services.grading.domain import GradingCycle
from shared.db import Database, eventsourcing_env
from shared.directory.replica import DirectoryView
from tests.grading.schemes import make_scheme

from .harness import Env

ORG = {"id": "P13", "local": ["13"], "vertical": []}
SAMPLES = 200


def _deploy(app: GradingApp, size: int, samples: int) -> uuid.UUID:
    cycle = GradingCycle.deploy(
        year=2000 + size % 97,
        scope=f"local:13/{size}",
        issuer_org_id="P13",
        schemes={"农村": make_scheme()},
        ratio={"max_top": 1.0, "min_bottom": 0.0},
        orgs_in_scope=size + samples,
        by="bench",
        org=ORG,
        trace={},
    )
    app.save(cycle)
    for start in range(0, size, 1000):  # the determinations before ours, 1000 per save
        for i in range(start, min(size, start + 1000)):
            cycle.tally(f"O{i}", i % 3, 3)
        app.save(cycle)
    return cycle.id


def _per_determination_us(app: GradingApp, cycle_id: uuid.UUID, size: int, samples: int) -> float:
    started = time.perf_counter()
    for i in range(samples):
        cycle = app.cycle(cycle_id)
        cycle.admit(f"N{i}", "一般", 1, 3)
        cycle.tally(f"N{i}", 1, 3)
        app.save(cycle)
    return (time.perf_counter() - started) / samples * 1e6


def _raw_save_us(env: Env, samples: int) -> float:
    raw = Application(env={**eventsourcing_env(env.settings, "grading"), "SQLITE_DBNAME": str(env.tmp / "raw.db")})
    if env.store == "postgres":
        raw = Application(env={**eventsourcing_env(env.settings, "grading")})
    started = time.perf_counter()
    for _ in range(samples):
        raw.save(Aggregate())
    elapsed = time.perf_counter() - started
    raw.close()
    return elapsed / samples * 1e6


def _measure(env: Env, sizes: tuple[int, ...]) -> dict:
    views = Database(env.settings, "grading")
    app = GradingApp("grading", env.settings, DirectoryView(views))
    per_size = {}
    try:
        for size in sizes:
            cycle_id = _deploy(app, size, SAMPLES)
            per_size[str(size)] = _per_determination_us(app, cycle_id, size, SAMPLES)
        raw = _raw_save_us(env, SAMPLES)
    finally:
        app.close()
        views.close()
    smallest, largest = per_size[str(sizes[0])], per_size[str(sizes[-1])]
    return {
        "value": largest,
        "unit": f"µs per determination at {sizes[-1]:,} orgs",
        "per_size_us": per_size,
        "growth": largest / smallest,
        "baseline": raw,
        "baseline_name": "µs per raw Application.save",
        "ratio": raw / largest,
        "target_ratio": 0.0,  # the target is flatness (growth ≈ 1), reported beside it
    }


async def grading_cycle_cost(env: Env, sizes: tuple[int, ...]) -> dict:
    return await asyncio.to_thread(_measure, env, sizes)
