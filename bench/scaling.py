"""Figures of issue 10 — one service, several processes: 提诺 throughput over HTTP against the number of
API processes (``cxzy serve pledges --role api --workers N``, the relay and projections in a separate
``--role worker`` process), and the relay's failover time after kill -9 of the worker that holds it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx

from shared.lease import BUCKET, Lease
from shared.nats_io import connect, free_port, stream_name, wait_until

from .commands import raw_save_rate
from .harness import DIRECTORY_ORGS, Env, ServedPledges
from .load import in_child
from .province import directory_records


def _process(env: Env, *args: str, port: int | None = None) -> subprocess.Popen:
    settings = env.settings.model_copy(update={"http_port": port or env.settings.http_port})
    log = open(env.tmp / f"{'-'.join(args)}.log", "ab")  # noqa: SIM115 — the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "serve", *args],
        env={**os.environ, **settings.as_env(), "CXZY_LOG_LEVEL": "WARNING"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(*procs: subprocess.Popen) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()


async def _healthy(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(f"{url}/healthz")).json().get("ready") is True
    except (httpx.HTTPError, ValueError):
        return False


async def _directory(env: Env) -> None:
    """The demo orgs, imported and published once (a directory worker keeps relaying later changes)."""
    from services import spec
    from shared.service import ServiceRuntime

    rt = ServiceRuntime(spec("directory"), env.settings)
    records = directory_records(DIRECTORY_ORGS)
    await asyncio.to_thread(rt.app.import_records, records["orgs"], records["members"])
    await rt.start()
    await rt.settle(60)
    await rt.stop()
    rt.close()


async def api_scaling(env: Env, processes: tuple[int, ...], duration: float, raw_duration: float) -> dict:
    await _directory(env)
    raw = await asyncio.to_thread(raw_save_rate, env, 8, raw_duration)
    worker = _process(env, "pledges", "--role", "worker")
    proposers = ServedPledges(env).proposers()
    rates: dict[str, float] = {}
    try:
        for n in processes:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            api = _process(env, "pledges", "--role", "api", "--workers", str(n), port=port)
            try:
                await wait_until(lambda url=url: _healthy(url), timeout=120, interval=0.5)
                load = await in_child("closed", url, proposers, 32, duration)
                rates[str(n)] = load["ok"] / load["elapsed_s"]
            finally:
                _stop(api)
    finally:
        _stop(worker)
    best = max(rates.values())
    return {
        "value": best,
        "unit": "commands/s",
        "per_processes": rates,
        "baseline": raw,
        "baseline_name": "raw Application.save, 8 threads",
        "ratio": best / raw,
        "target_ratio": 1.0,
        "cpus": os.cpu_count(),
    }


async def relay_failover(env: Env) -> dict:
    """Two workers; kill -9 the one holding the relay while commands keep coming; seconds until the
    other holds it, and whether the stream then has every event once."""
    await _directory(env)
    workers = [_process(env, "pledges", "--role", "worker"), _process(env, "pledges", "--role", "worker")]
    port = free_port()
    api = _process(env, "pledges", "--role", "api", port=port)
    url = f"http://127.0.0.1:{port}"
    nc = await connect(env.settings)
    js = nc.jetstream()
    try:
        await wait_until(lambda: _healthy(url), timeout=120, interval=0.5)
        relay = Lease(await js.key_value(BUCKET), "pledges.relay")
        holder = await wait_until(relay.holder_now, timeout=30)
        load = asyncio.create_task(in_child("closed", url, ServedPledges(env).proposers(), 8, 6.0))
        await asyncio.sleep(2)
        victim = next(w for w in workers if holder.endswith(f":{w.pid}"))
        victim.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await wait_until(lambda: _other(relay, holder), timeout=60, interval=0.02)
        took_over = time.monotonic() - killed
        done = await load
        await wait_until(lambda: _healthy(url), timeout=60, interval=0.2)
        info = await js.stream_info(stream_name("pledges"))
        return {
            "value": took_over,
            "unit": "s until another worker holds the relay",
            "lease_ttl_s": env.settings.lease_ttl_s,
            "commands_ok": done["ok"],
            "events_on_stream": info.state.messages,
            "lost_or_duplicated": info.state.messages - done["ok"],
            "baseline": env.settings.lease_ttl_s,
            "baseline_name": "lease TTL",
            "ratio": took_over / env.settings.lease_ttl_s,
            "target_ratio": 0.0,
        }
    finally:
        await nc.close()
        _stop(api, *workers)


async def _other(lease: Lease, first: str) -> bool:
    now = await lease.holder_now()
    return now is not None and now != first
