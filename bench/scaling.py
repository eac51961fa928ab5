"""Figures of issue 10 — one service, several processes: 提诺 throughput over HTTP against the number of
API processes (``cxzy serve pledges --role api --workers N``, the relay and projections in a separate
``--role worker`` process), and the relay's failover time after kill -9 of the worker that holds it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time

import httpx

from shared.lease import BUCKET, Lease
from shared.nats_io import connect, free_port, stream_name, wait_until
from shared.processes import serve, stop

from .commands import raw_save_rate
from .harness import DIRECTORY_ORGS, Env, ServedPledges
from .load import in_child
from .province import directory_records


def _process(env: Env, *args: str, port: int | None = None) -> subprocess.Popen:
    settings = env.settings.model_copy(update={"http_port": port or env.settings.http_port})
    return serve(args[0], settings, env.tmp / f"{'-'.join(args)}.log", *args[1:], CXZY_LOG_LEVEL="WARNING")


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
                stop(api)
    finally:
        stop(worker)
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
        stop(api, *workers)


async def _other(lease: Lease, first: str) -> bool:
    now = await lease.holder_now()
    return now is not None and now != first


async def cluster_node_kill(env: Env, commands: int = 300) -> dict:
    """Commands keep coming while the pledges stream's leader in a 3-node cluster (R3, fsync) is killed
    with -9: how many acknowledged commands are missing from the stream, or on it twice (0 is the goal),
    and how long the relay took to publish everything after the kill."""
    import threading

    from services import spec
    from shared.auth import issue_token, verify_token
    from shared.cluster import LocalCluster
    from shared.service import ServiceRuntime

    cluster = LocalCluster(env.tmp / "cluster").start()
    settings = env.settings.model_copy(update={"nats_url": cluster.url, "stream_replicas": 3})
    nc = await connect(settings)
    js = nc.jetstream()
    directory = ServiceRuntime(spec("directory"), settings)
    pledges = ServiceRuntime(spec("pledges"), settings)
    try:
        await wait_until(lambda: _jetstream(js), timeout=60)
        records = directory_records(DIRECTORY_ORGS)
        await asyncio.to_thread(directory.app.import_records, records["orgs"], records["members"])
        await directory.start()
        await pledges.start()
        await pledges.settle(60)
        org = records["orgs"][-1]["id"]
        secretary = verify_token(settings, issue_token(settings, f"S-{org}", "secretary", [], org))
        recorded: list = []

        def load() -> None:
            for _ in range(commands):
                recorded.append(
                    pledges.app.propose(
                        secretary,
                        org_id=org,
                        pledger_kind="org",
                        member_ids=[],
                        kind="annual",
                        items=[{"text": "组织党员志愿服务", "tags": ["带头服务群众"]}],
                    )
                )
                time.sleep(0.004)

        thread = threading.Thread(target=load)
        thread.start()
        await wait_until(lambda: _count(js, commands // 5), timeout=60)
        cluster.kill((await js.stream_info(stream_name("pledges"))).cluster.leader)
        killed = time.monotonic()
        await asyncio.to_thread(thread.join, 120)
        await wait_until(lambda: _count(js, len(recorded)), timeout=120, interval=0.05)
        caught_up = time.monotonic() - killed
        await asyncio.sleep(1)
        info = await js.stream_info(stream_name("pledges"))
        ids = set()
        sub = await js.subscribe("cxzy.pledges.>", stream=stream_name("pledges"), ordered_consumer=True)
        for _ in range(info.state.messages):
            msg = await sub.next_msg(timeout=10)
            ids.add(msg.headers["ce-subject"])
        await sub.unsubscribe()
        missing = len({str(p) for p in recorded} - ids)
        duplicated = info.state.messages - len(ids)
        return {
            "value": float(missing + duplicated),
            "unit": "commands lost or duplicated",
            "commands": len(recorded),
            "missing": missing,
            "duplicated": duplicated,
            "caught_up_s": caught_up,
            "baseline": float(len(recorded)),
            "baseline_name": "acknowledged commands",
            "ratio": (missing + duplicated) / max(1, len(recorded)),
            "target_ratio": 0.0,
        }
    finally:
        await pledges.stop()
        await directory.stop()
        pledges.close()
        directory.close()
        await nc.close()
        cluster.stop()


async def _jetstream(js) -> bool:
    try:
        await js.account_info()
    except Exception:  # noqa: BLE001 — no meta leader yet
        return False
    return True


async def _count(js, at_least: int) -> bool:
    try:
        return (await js.stream_info(stream_name("pledges"))).state.messages >= at_least
    except Exception:  # noqa: BLE001 — a new leader is being elected
        return False
