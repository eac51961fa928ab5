"""``python -m bench.run [--quick]`` (``make bench [QUICK=1]``): every figure on SQLite and PostgreSQL,
each beside its raw baseline measured in the same run; exits non-zero if any figure is missing."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import psutil
import psycopg

from shared.logging import configure
from shared.nats_io import connect, nats_server_binary
from shared.settings import Settings

from . import report
from .commands import command_throughput
from .fanout import fanout
from .grading_cycle import grading_cycle_cost
from .harness import PG_ADMIN_DSN, STORES, environment
from .history import History
from .latency import end_to_end_latency
from .outbox import relay_throughput
from .readmodel import projection_throughput
from .rebuild import rebuild
from .scaling import api_scaling, cluster_node_kill, relay_failover

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Mode:
    name: str
    command_s: float  # sustained HTTP load per store
    raw_save_s: float  # per thread count of the raw baseline
    relay_events: int
    history_events: int
    latency_rate: float
    latency_s: float
    sustainable_s: float  # latency also at half the measured command throughput
    rebuild_events: int  # rebuilt from sequence 1 of the history (all of it, or its first part)
    fanout_whole_events: int  # read of the whole stream, projected to its full length
    cycle_sizes: tuple[int, ...]  # orgs already determined when the measured determinations come
    api_processes: tuple[int, ...]  # API processes of one service, each a separate load run


QUICK = Mode(
    "quick",
    command_s=4,
    raw_save_s=1,
    relay_events=1_000,
    history_events=20_000,
    latency_rate=50,
    latency_s=3,
    sustainable_s=3,
    rebuild_events=10_000,
    fanout_whole_events=20_000,
    cycle_sizes=(100, 1_000),
    api_processes=(1, 2),
)
FULL = Mode(
    "full",
    command_s=30,
    raw_save_s=5,
    relay_events=10_000,
    history_events=1_000_000,
    latency_rate=200,
    latency_s=10,
    sustainable_s=20,
    rebuild_events=200_000,
    fanout_whole_events=100_000,
    cycle_sizes=(1_000, 10_000, 100_000),
    api_processes=(1, 2, 4),
)


def machine() -> dict:
    try:
        with psycopg.connect(PG_ADMIN_DSN) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            postgres = f"PostgreSQL {row[0] if row else '?'}"
    except psycopg.Error as exc:
        postgres = f"PostgreSQL unreachable ({exc.__class__.__name__})"
    nats = subprocess.run([nats_server_binary(), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "memory_gb": psutil.virtual_memory().total / 2**30,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgres": postgres,
        "nats_server": nats.split()[-1] if nats else "?",
        "ci": os.environ.get("CI", "").lower() == "true",
    }


async def measure(result: dict, key: str, store: str, figure: Callable[[], Awaitable[dict]]) -> None:
    started = time.monotonic()
    print(f"… {key} [{store}]", file=sys.stderr, flush=True)
    try:
        value = await figure()
    except Exception as exc:  # noqa: BLE001 — one broken figure must not hide the others
        traceback.print_exc()
        value = {"error": repr(exc)}
    value["wall_s"] = time.monotonic() - started
    value["load_average"] = os.getloadavg()
    result["figures"].setdefault(key, {})[store] = value


async def one_store(result: dict, mode: Mode, store: str, history: History, whole_rate: float) -> None:
    """Each figure of one store, each in a fresh environment (relay and projection share one: the
    projection reads what the relay published)."""
    selected = set(result["selected"])
    if selected & {"relay_throughput", "projection_throughput"}:
        async with environment(store) as env:
            await measure(result, "relay_throughput", store, partial(relay_throughput, env, mode.relay_events))
            await measure(
                result, "projection_throughput", store, partial(projection_throughput, env, mode.relay_events)
            )
    if "command_throughput" in selected:
        async with environment(store) as env:
            await measure(
                result, "command_throughput", store, partial(command_throughput, env, mode.command_s, mode.raw_save_s)
            )
    if "e2e_latency" in selected:
        measured = result["figures"].get("command_throughput", {}).get(store, {}).get("value", 20)
        async with environment(store) as env:
            await measure(
                result,
                "e2e_latency",
                store,
                partial(
                    end_to_end_latency,
                    env,
                    mode.latency_rate,
                    mode.latency_s,
                    max(5.0, round(measured / 2)),
                    mode.sustainable_s,
                ),
            )
    if "grading_cycle" in selected:
        async with environment(store) as env:
            await measure(result, "grading_cycle", store, partial(grading_cycle_cost, env, mode.cycle_sizes))
    if "api_scaling" in selected:
        async with environment(store) as env:
            await measure(
                result,
                "api_scaling",
                store,
                partial(api_scaling, env, mode.api_processes, mode.command_s, mode.raw_save_s),
            )
    if "cluster_node_kill" in selected:
        async with environment(store) as env:
            await measure(result, "cluster_node_kill", store, partial(cluster_node_kill, env))
    if "relay_failover" in selected:
        async with environment(store) as env:
            await measure(result, "relay_failover", store, partial(relay_failover, env))
    if "rebuild" in selected:
        async with environment(store) as env:
            await measure(
                result,
                "rebuild",
                store,
                partial(rebuild, env.settings, history.nats.url, mode.rebuild_events, whole_rate, mode.history_events),
            )


async def run(mode: Mode, stores: list[str], var_dir: Path, selected: list[str]) -> dict:
    started = time.monotonic()
    result: dict = {
        "mode": mode.name,
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "load_average": {"start": os.getloadavg()},
        "settings": vars(mode),
        "selected": selected,
        "figures": {},
    }
    history = History(var_dir, mode.history_events)
    try:
        result["history"] = await history.ensure(Settings(var_dir=var_dir))
        nc = await connect(Settings(), history.nats.url, name="cxzy-bench-fanout")
        try:
            if "scope_fanout" in selected:
                await measure(
                    result,
                    "scope_fanout",
                    "bus",
                    partial(fanout, nc.jetstream(), history.meta, mode.fanout_whole_events),
                )
        finally:
            await nc.drain()
        whole = result["figures"].get("scope_fanout", {}).get("bus", {}).get("whole", {}).get("events_per_s")
        for store in stores:
            await one_store(result, mode, store, history, whole or 1.0)
    finally:
        history.stop()
    result["load_average"]["end"] = os.getloadavg()
    result["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result["seconds"] = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="CI mode: small sizes, < 2 min, checks every figure")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: sqlite,postgres")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results, quick: var/bench/results)")
    parser.add_argument("--rebuild-events", type=int, help="rebuild this many events (e.g. 1000000: all of it)")
    parser.add_argument("--figures", default=",".join(report.FIGURES), help="comma-separated subset to run")
    parser.add_argument("--var-dir", type=Path, default=Path("var"), help="where the reusable history lives")
    args = parser.parse_args(argv)
    configure("json", "WARNING")
    mode = QUICK if args.quick else FULL
    if args.rebuild_events:
        mode = replace(mode, rebuild_events=min(args.rebuild_events, mode.history_events))
    stores = [s for s in args.stores.split(",") if s]
    selected = [f for f in args.figures.split(",") if f]
    if {"relay_throughput", "projection_throughput"} & set(selected):  # the projection reads the relay's events
        selected = list(dict.fromkeys([*selected, "relay_throughput", "projection_throughput"]))
    unknown = set(selected) - set(report.FIGURES)
    if unknown:
        parser.error(f"unknown figures {sorted(unknown)}; choose from {', '.join(report.FIGURES)}")
    result = asyncio.run(run(mode, stores, args.var_dir, selected))
    out = args.out or (args.var_dir / "bench" / "results" if args.quick else RESULTS)
    path = report.write(result, out)
    print(report.markdown(result))
    print(f"results: {path}", file=sys.stderr)
    gaps = report.missing(result, stores, selected)
    if gaps:
        print(f"missing figures: {', '.join(gaps)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
