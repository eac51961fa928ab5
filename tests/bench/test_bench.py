"""The benchmark harness itself (issue 7): the generated province history is made of real, chained,
schema-valid envelopes (docs/ARCHITECTURE.md "The envelope"); fan-out readers get exactly their subtree (H1, H4);
the rebuild runs on each store with its memory sampled; the report names every missing figure.
Speed is not asserted here — it belongs to ``make bench``."""

from __future__ import annotations

import pytest

from bench import report
from bench.fanout import fanout
from bench.harness import environment
from bench.history import STREAM, History
from bench.latency import percentiles
from bench.rebuild import rebuild
from services.pledges.contract import CONTRACT
from shared.envelope import GENESIS, Envelope
from shared.nats_io import connect
from shared.scope import Scope, parse_subject
from shared.settings import Settings

EVENTS = 1_500


@pytest.fixture(scope="module")
async def history(tmp_path_factory):
    h = History(tmp_path_factory.mktemp("bench"), EVENTS)
    meta = await h.ensure(Settings())
    yield h, meta
    h.stop()


async def test_history_is_a_valid_chain_and_fanout_reads_exactly_each_subtree(history):
    h, meta = history
    assert meta["events"] == EVENTS and not meta["reused"]
    nc = await connect(Settings(), h.nats.url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe("cxzy.pledges.>", stream=STREAM)
        prev, seen, shares = GENESIS, 0, dict.fromkeys(meta["shares"], 0)
        while seen < EVENTS:
            for m in await sub.fetch(500, timeout=5):
                env = Envelope.from_message(m.headers, m.data)
                CONTRACT.validate(env)
                assert "originator_topic" not in env.data  # the contract's fields only (issue 16)
                assert env.prevhash == prev and env.verify_link() and env.sequence == seen + 1
                prev, seen = env.hash, seen + 1
                for scope in shares:
                    shares[scope] += Scope.parse(scope).contains(parse_subject(m.subject)[2])
                await m.ack()
        assert shares == meta["shares"] and all(shares.values())

        result = await fanout(js, meta, whole_events=EVENTS)
        assert {s: r["events"] for s, r in result["readers"].items()} == meta["shares"]
        assert result["whole"]["events"] == EVENTS and not result["whole"]["projected"]
    finally:
        await nc.drain()


async def test_history_is_reused_not_regenerated(history):
    h, _ = history
    h.stop()
    again = await h.ensure(Settings())
    assert again["reused"] and again["events"] == EVENTS


async def test_rebuild_applies_every_pledge_and_samples_memory(history, store):
    h, meta = history
    async with environment(store) as env:
        result = await rebuild(env.settings, h.nats.url, EVENTS, 1000.0, EVENTS)
    assert result["events"] == EVENTS and result["pledges"] == EVENTS // 5  # five events per pledge's life (P4)
    assert set(result["rss_mb"]) == {"10%", "50%", "100%"} and result["peak_rss_mb"] > 0


def test_report_names_each_missing_figure_and_renders(tmp_path):
    figure = {
        "value": 10.0,
        "unit": "events/s",
        "baseline": 20.0,
        "baseline_name": "raw",
        "ratio": 0.5,
        "target_ratio": 0.5,
    }
    ms = {"p50_ms": 2.0, "p95_ms": 9.0, "p99_ms": 30.0, "max_ms": 40.0}
    run = {**ms, "offered_rate": 200.0, "rate": 200, "send_to_visible": ms}
    latency = {"value": 30.0, **run, "sustainable": {**run, "offered_rate": 50.0}}
    result = {
        "mode": "quick",
        "started": "2026-11-23T10:00:00Z",
        "seconds": 1.0,
        "load_average": {"start": (1.0, 1.0, 1.0), "end": (1.0, 1.0, 1.0)},
        "machine": {"cpus": 2, "memory_gb": 8, "python": "3.11", "postgres": "PostgreSQL 15", "nats_server": "v2"},
        "figures": {
            "relay_throughput": {"sqlite": figure, "postgres": {"error": "boom"}},
            "e2e_latency": {"sqlite": latency},
        },
    }
    gaps = report.missing(result, ["sqlite", "postgres"])
    assert "relay_throughput/postgres" in gaps and "relay_throughput/sqlite" not in gaps
    assert "e2e_latency/postgres" in gaps and "e2e_latency/sqlite" not in gaps
    per_store = len(report.FIGURES) - 1  # every figure but the fan-out is measured on each store
    assert "scope_fanout/bus" in gaps and len(gaps) == 2 * per_store - 2 + 1
    assert report.missing(result, ["sqlite"], ["relay_throughput", "e2e_latency"]) == []
    path = report.write(result, tmp_path)
    assert path.exists() and path.with_suffix(".png").stat().st_size > 0
    latest = (tmp_path / "latest.md").read_text()
    assert "| Relay throughput outbox → JetStream | sqlite | 10.00 events/s |" in latest and "error: boom" in latest
    assert "200/s: 201 → visible p50 2.00 / p95 9.00 / p99 30.00 ms" in latest
    assert "| … at a sustainable load | sqlite | 50/s:" in latest


def test_percentiles_are_nearest_rank_in_ms():
    values = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    p = percentiles(values)
    assert (p["p50_ms"], p["p95_ms"], p["p99_ms"], p["max_ms"]) == pytest.approx((51, 96, 100, 100))
