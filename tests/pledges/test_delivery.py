"""What the bus promises (docs/ARCHITECTURE.md "Streams and consumers", "Audit"): events land on subjects that
carry both hierarchies, scope filters select exactly a subtree (H4), a relay killed between publish and
checkpoint duplicates nothing, a projection stopped mid-stream ends equal to a rebuild from sequence 1."""

import asyncio

from nats.js import api

from shared.audit import check_chain, read_stream
from shared.envelope import Envelope
from shared.scope import Scope
from shared.service import ServiceRuntime
from shared.tail import tail

ITEMS = [{"text": "做好窗口服务", "tags": ["带头服务群众"]}]
ORGS = ["VIL1", "COM1", "WIN1", "TAXB1", "BANK1", "VIL2"]


class Killed(BaseException):
    """Escapes every `except Exception`: the task dies as the process would."""


async def org_pledges(stack, orgs=ORGS) -> None:
    for org in orgs:
        r = await stack.http.post(
            "/api/pledges/pledges",
            json={"org_id": org, "pledger_kind": "org", "kind": "annual", "items": ITEMS},
            headers=stack.secretary(org),
        )
        assert r.status_code == 201, r.text
    await stack.settle()


async def orgs_seen(js, scope: str) -> list[str]:
    sub = await js.subscribe(
        Scope.parse(scope).filter_subject("pledges"),
        stream="CXZY_PLEDGES",
        ordered_consumer=True,
        deliver_policy=api.DeliverPolicy.ALL,
    )
    seen = []
    try:
        while True:
            msg = await sub.next_msg(timeout=0.5)
            seen.append(Envelope.from_message(msg.headers, msg.data).orgid)
    except Exception:  # noqa: BLE001 — no more messages
        pass
    await sub.unsubscribe()
    return sorted(seen)


async def test_scope_filters_select_exactly_the_subtree(stack, capsys):
    await org_pledges(stack)
    js = stack["pledges"].js
    assert await orgs_seen(js, "local:13/1301/130102") == ["TAXB1", "VIL1", "WIN1"]
    assert await orgs_seen(js, "local:13/1301") == ["BANK1", "COM1", "TAXB1", "VIL1", "WIN1"]
    assert await orgs_seen(js, "vertical:tax/13") == ["TAXB1"]
    assert await orgs_seen(js, "vertical:icbc") == ["BANK1"]
    assert await orgs_seen(js, "local:13") == sorted(ORGS)
    # membership and filter agree: the one scope function decides both
    for scope in ("local:13/1301/130102", "vertical:tax/13", "local:13/1302"):
        s = Scope.parse(scope)
        inside = sorted(o for o in ORGS if s.contains(stack["pledges"].directory.position(o)))
        assert inside == await orgs_seen(js, scope)

    # cxzy tail prints the same subtree from the beginning of history
    await tail(stack.settings, "vertical:tax/13", service="pledges", from_start=True, limit=1)
    out = capsys.readouterr().out
    assert "org=TAXB1" in out and "VIL1" not in out


async def test_relay_killed_between_publish_and_checkpoint_duplicates_nothing(stack):
    rt = stack["pledges"]

    def kill() -> None:
        raise Killed()

    rt.relay.crash_after_publish = kill
    await stack.http.post(
        "/api/pledges/pledges",
        json={"org_id": "VIL1", "pledger_kind": "org", "kind": "annual", "items": ITEMS},
        headers=stack.secretary("VIL1"),
    )
    await asyncio.sleep(0.5)  # the relay publishes, then dies before its checkpoint
    assert rt.relay.checkpoint()[0] == 0
    await rt.stop()
    rt.close()

    # a new process on the same stores: it reconciles with the stream (or the duplicate window drops the republish)
    reborn = ServiceRuntime(rt.spec, stack.settings)
    stack.runtimes["pledges"] = reborn
    await reborn.start()
    await reborn.settle()
    events = await read_stream(stack.settings, "pledges")
    assert len(events) == reborn.app.recorder.max_notification_id() == 1
    assert len({e.id for _, e in events}) == 1
    assert check_chain(events)["ok"]
    await reborn.stop()


async def test_projection_stopped_mid_stream_equals_rebuild(stack):
    await org_pledges(stack, ORGS[:3])
    rt = stack["pledges"]
    ledger = rt.runner("ledger")
    applied = {"n": 0}

    def die_after_two(env) -> None:
        applied["n"] += 1
        if applied["n"] > 2:
            raise Killed()

    await rt.stop()
    rt.close()
    rt = ServiceRuntime(rt.spec, stack.settings)
    stack.runtimes["pledges"] = rt
    ledger = None
    # more history while the projection is down
    for org in ORGS[3:]:
        rt.app.propose(_secretary(org), org_id=org, pledger_kind="org", member_ids=[], kind="annual", items=ITEMS)
    rt.db.script("DELETE FROM pl_pledges; DELETE FROM cxzy_checkpoints WHERE projection = 'pledges__ledger'")
    await rt.start()
    ledger = rt.runner("ledger")
    ledger.fault = die_after_two
    await asyncio.sleep(1.0)  # it dies mid-stream, inside a batch: that batch's transaction rolls back
    assert applied["n"] == 3
    assert rt.db.one("SELECT COUNT(*) AS n FROM pl_pledges")["n"] == 0
    await rt.stop()
    rt.close()

    rt = ServiceRuntime(rt.spec, stack.settings)
    stack.runtimes["pledges"] = rt
    await rt.start()
    await rt.settle()
    resumed = rt.db.query("SELECT * FROM pl_pledges ORDER BY pledge_id")
    assert len(resumed) == len(ORGS)
    rt.runner("ledger").reset()
    await rt.stop()
    await rt.start()
    await rt.settle()
    rebuilt = rt.db.query("SELECT * FROM pl_pledges ORDER BY pledge_id")
    assert rebuilt == resumed
    await rt.stop()


def _secretary(org: str):
    from shared.auth import Identity

    return Identity(sub=f"S-{org}", role="secretary", org=org)
