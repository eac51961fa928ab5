"""Issue 10: one service, several processes. Two ``cxzy serve pledges --role worker`` processes share one
store and one real nats-server; commands come from an API-role runtime in this process. Exactly one
worker holds the relay (a lease in NATS KV); kill -9 it under load and the other takes over: the stream
has every event once, in store order, and the hash chain is unbroken."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from services import spec
from shared.audit import check_chain, read_range
from shared.auth import issue_token, verify_token
from shared.lease import BUCKET, Lease
from shared.nats_io import EmbeddedNats, connect, stream_name, wait_until
from shared.processes import serve, stop
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.directory_fixture import DIRECTORY
from tests.stack import FreshPostgres, stores

ITEMS = [{"text": "组织党员志愿服务", "tags": ["带头服务群众"]}]


def worker(settings: Settings, log: Path) -> subprocess.Popen:
    return serve("pledges", settings, log, "--role", "worker", CXZY_RELAY_POLL_S="0.05", CXZY_LOG_FORMAT="json")


@pytest.mark.parametrize("store", stores())
async def test_two_workers_one_relay_kill_the_holder_nothing_lost_or_duplicated(tmp_path, store):
    pg = FreshPostgres() if store == "postgres" else None
    nats = EmbeddedNats(tmp_path / "nats").start()
    settings = Settings(
        var_dir=tmp_path / "var",
        dev_mode=True,  # the development audit and JWT keys
        store=store,
        postgres_dsn=pg.dsn if pg else "",
        nats_url=nats.url,
        lease_ttl_s=1.5,
        scheduler_interval_s=3600,
    )
    directory = ServiceRuntime(spec("directory"), settings)
    directory.app.import_records(DIRECTORY["orgs"], DIRECTORY["members"])
    await directory.start(role="all")
    api = ServiceRuntime(spec("pledges"), settings)
    await api.start(role="api")
    log = tmp_path / "workers.log"
    workers = [worker(settings, log), worker(settings, log)]
    nc = await connect(settings)
    js = nc.jetstream()
    try:
        await wait_until(lambda: _knows_vil1(api), timeout=30)  # a worker's replica of the directory is in the store
        secretary = verify_token(settings, issue_token(settings, "S-VIL1", "secretary", [], "VIL1"))
        recorded: list = []
        stop_load = threading.Event()

        def load() -> None:  # commands keep coming while the relay's holder dies
            while not stop_load.is_set() and len(recorded) < 400:
                pledge_id = api.app.propose(
                    secretary, org_id="VIL1", pledger_kind="org", member_ids=[], kind="annual", items=ITEMS
                )
                recorded.append(pledge_id)
                time.sleep(0.005)

        thread = threading.Thread(target=load)
        thread.start()
        kv = await js.key_value(BUCKET)
        relay = Lease(kv, "pledges.relay")
        await wait_until(lambda: _has_holder(relay), timeout=20)
        first = await relay.holder_now()
        await wait_until(lambda: _stream_count(js, 30), timeout=20)  # the holder is publishing
        victim = next(w for w in workers if first.endswith(f":{w.pid}"))
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        await wait_until(lambda: _held_by_other(relay, first), timeout=20)
        took_over_s = time.monotonic() - killed_at
        thread.join(timeout=60)
        stop_load.set()
        total = len(recorded)
        assert total >= 100
        await wait_until(lambda: _stream_count(js, total), timeout=30)
        await asyncio.sleep(0.5)  # nothing more may arrive: a duplicate would show up now
        events = await read_range(js, "pledges")
        assert len(events) == total, "every acknowledged command's event is on the stream exactly once"
        assert [env.subject for _, env in events] == [str(p) for p in recorded], "in store order"
        assert len({env.id for _, env in events}) == total
        chain = check_chain(events)
        assert chain["ok"], chain
        assert took_over_s < 3 * settings.lease_ttl_s, took_over_s
        survivor = next(w for w in workers if w is not victim)
        assert survivor.poll() is None
    finally:
        await nc.close()
        stop(*workers)
        await api.stop()
        await directory.stop()
        api.close()
        directory.close()
        nats.stop()
        if pg:
            pg.drop()


async def _knows_vil1(rt: ServiceRuntime) -> bool:
    try:
        rt.directory.org("VIL1")
    except Exception:  # noqa: BLE001
        return False
    return True


async def _has_holder(lease: Lease) -> bool:
    return await lease.holder_now() is not None


async def _held_by_other(lease: Lease, first: str) -> bool:
    now = await lease.holder_now()
    return now is not None and now != first


async def _stream_count(js, at_least: int) -> bool:
    info = await js.stream_info(stream_name("pledges"))
    return info.state.messages >= at_least
