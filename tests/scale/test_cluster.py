"""Issue 10: a real 3-node NATS cluster (nats-server processes on loopback ports), R3 event streams with
``sync_interval: always``. Commands keep coming while the pledges stream's leader is killed with -9:
the services reconnect to the other nodes, every acknowledged command is on the stream exactly once,
in store order, the chain holds, and the ledger read model equals a rebuild from sequence 1."""

from __future__ import annotations

import asyncio
import threading
import time

from services import spec
from services.pledges.projections import Ledger
from shared.audit import check_chain, read_range
from shared.auth import issue_token, verify_token
from shared.cluster import LocalCluster
from shared.db import Database
from shared.nats_io import connect, stream_name, wait_until
from shared.projection import ProjectionRunner
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.directory_fixture import DIRECTORY

ITEMS = [{"text": "组织党员志愿服务", "tags": ["带头服务群众"]}]


async def test_kill_the_stream_leader_under_load_nothing_lost_or_duplicated(tmp_path):
    cluster = LocalCluster(tmp_path / "cluster").start()
    settings = Settings(
        var_dir=tmp_path / "var",
        nats_url=cluster.url,
        stream_replicas=3,
        scheduler_interval_s=3600,
        relay_poll_s=0.05,
        dev_mode=True,  # the development audit and JWT keys
    )
    nc = await connect(settings)
    js = nc.jetstream()
    await wait_until(lambda: _jetstream_ready(js), timeout=30)
    directory = ServiceRuntime(spec("directory"), settings)
    directory.app.import_records(DIRECTORY["orgs"], DIRECTORY["members"])
    pledges = ServiceRuntime(spec("pledges"), settings)
    try:
        await directory.start()
        await pledges.start()
        await pledges.settle(30)
        info = await js.stream_info(stream_name("pledges"))
        assert info.config.num_replicas == 3 and len(info.cluster.replicas) == 2
        secretary = verify_token(settings, issue_token(settings, "S-VIL1", "secretary", [], "VIL1"))
        recorded: list = []
        failures: list = []

        def load() -> None:
            while len(recorded) < 300:
                try:
                    recorded.append(
                        pledges.app.propose(
                            secretary, org_id="VIL1", pledger_kind="org", member_ids=[], kind="annual", items=ITEMS
                        )
                    )
                except Exception as exc:  # noqa: BLE001 — a command is acknowledged only when it returns
                    failures.append(exc)
                time.sleep(0.004)

        thread = threading.Thread(target=load)
        thread.start()
        await wait_until(lambda: _stream_count(js, 60), timeout=30)
        leader = (await js.stream_info(stream_name("pledges"))).cluster.leader
        cluster.kill(leader)
        await asyncio.to_thread(thread.join, 120)
        assert failures == [] and len(recorded) == 300  # the write model never depended on the bus
        await wait_until(lambda: _stream_count(js, 300), timeout=60)
        await pledges.settle(60)
        new_leader = (await js.stream_info(stream_name("pledges"))).cluster.leader
        assert new_leader and new_leader != leader
        events = await read_range(js, "pledges")
        assert len(events) == 300 and len({env.id for _, env in events}) == 300
        assert [env.subject for _, env in events] == [str(p) for p in recorded]
        assert check_chain(events)["ok"]
        ledger = pledges.db.query("SELECT * FROM pl_pledges ORDER BY pledge_id")
        assert len(ledger) == 300 and ledger == await _rebuilt_ledger(settings, js)
    finally:
        await pledges.stop()
        await directory.stop()
        pledges.close()
        directory.close()
        await nc.close()
        cluster.stop()


async def _rebuilt_ledger(settings: Settings, js) -> list[dict]:
    """The same projection from sequence 1, into a store of its own."""
    db = Database(settings, "rebuild")
    runner = ProjectionRunner(Ledger(), db, js, settings, "rebuild")
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    last = (await js.stream_info(stream_name("pledges"))).state.last_seq
    await wait_until(lambda: runner.checkpoint() >= last, timeout=60)
    stop.set()
    await task
    rows = db.query("SELECT * FROM pl_pledges ORDER BY pledge_id")
    db.close()
    return rows


async def _jetstream_ready(js) -> bool:
    try:
        await js.account_info()
    except Exception:  # noqa: BLE001 — no meta leader elected yet
        return False
    return True


async def _stream_count(js, at_least: int) -> bool:
    try:
        info = await js.stream_info(stream_name("pledges"))
    except Exception:  # noqa: BLE001 — a new leader is being elected
        return False
    return info.state.messages >= at_least
