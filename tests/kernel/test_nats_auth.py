"""NATS itself enforces the scope boundary (issue 6): a real nats-server started with the config that
`cxzy deploy nats-auth` generates from the directory."""

import asyncio

import nats
import pytest

from services import spec
from shared.auth import Identity
from shared.envelope import Envelope
from shared.lease import Lease, lease_bucket
from shared.nats_auth import ensure_scope_consumers, plan, write
from shared.nats_io import EmbeddedNats
from shared.service import ServiceRuntime
from shared.settings import Settings

from ..directory_fixture import DIRECTORY

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]


def user(users, name):
    return next(u for u in users if u.user == name)


async def connect_as(server, u, errors):
    async def on_error(e):
        errors.append(str(e))

    return await nats.connect(
        server.url,
        user=u.user,
        password=u.password,
        error_cb=on_error,
        inbox_prefix=(u.inbox_prefix or "_INBOX").encode(),
        max_reconnect_attempts=0,
    )


async def test_generated_permissions_confine_each_reader_to_its_subtree(tmp_path):
    users = plan(DIRECTORY["orgs"], downstream={"bi": "vertical:tax/13"})
    names = {u.user for u in users}
    assert {"sup-local-13-1301-130102", "sup-local-13", "sup-vertical-tax-13", "down-bi", "svc-pledges"} <= names
    config, _ = write(tmp_path / "auth", users)
    server = EmbeddedNats(tmp_path / "nats", config=config).start()
    try:
        runtimes = []
        for service in ("directory", "pledges"):
            u = user(users, f"svc-{service}")
            settings = Settings(
                var_dir=tmp_path / "var",
                nats_url=server.url,
                nats_user=u.user,
                nats_password=u.password,
                relay_poll_s=0.05,
                scheduler_interval_s=3600,
            )
            runtimes.append(ServiceRuntime(spec(service), settings))
        directory, pledges = runtimes
        directory.app.import_records(DIRECTORY["orgs"], DIRECTORY["members"])
        for rt in runtimes:
            await rt.start()
        await pledges.settle()
        for org in ("VIL1", "COM1", "TAXB1", "VIL2"):
            pledges.app.propose(
                Identity(f"S-{org}", "secretary", org=org),
                org_id=org,
                pledger_kind="org",
                member_ids=[],
                kind="annual",
                items=ITEMS,
            )
        pledges.nudge()
        await pledges.settle()
        # a service may publish its signed audit checkpoints (cxzy.audit.<service>) and use the lease bucket
        note = await pledges.auditor.maybe_checkpoint(force=True)
        assert note is not None and int(note.splitlines()[1]) >= 4  # the signed note's tree size (C2SP checkpoint)
        kv = await lease_bucket(pledges.js, 3.0)
        assert await Lease(kv, "pledges.relay", holder="svc-test").acquire()

        admin = user(users, "admin")
        nc = await nats.connect(server.url, user=admin.user, password=admin.password)
        assert await ensure_scope_consumers(nc.jetstream(), users) > 0
        await nc.close()

        # a service may not publish another service's subjects
        errors: list[str] = []
        svc = await connect_as(server, user(users, "svc-pledges"), errors)
        await svc.publish("cxzy.grading.determined.13._._._._._._._.X", b"{}")
        await svc.flush()
        await asyncio.sleep(0.2)
        assert any("permissions violation for publish" in e.lower() for e in errors), errors
        await svc.close()

        county = user(users, "sup-local-13-1301-130102")
        errors = []
        nc = await connect_as(server, county, errors)
        js = nc.jetstream(timeout=1)
        # outside its subtree: the server refuses the subscription
        await nc.subscribe("cxzy.pledges.>")
        await nc.subscribe("cxzy.*.*.13.1302.>")
        await nc.flush()
        await asyncio.sleep(0.3)
        assert sum("permissions violation for subscription" in e.lower() for e in errors) == 2
        # inside: its own consumer delivers exactly the subtree's events
        sub = await js.pull_subscribe_bind(
            county.durable, stream="CXZY_PLEDGES", inbox_prefix=f"{county.inbox_prefix}.".encode()
        )
        msgs = await sub.fetch(10, timeout=2)
        assert sorted(Envelope.from_message(m.headers, m.data).orgid for m in msgs) == ["TAXB1", "VIL1"]
        for m in msgs:
            await m.ack()
        # someone else's consumer, direct stream reads and new consumers are refused
        other = await js.pull_subscribe_bind(
            user(users, "sup-vertical-tax-13").durable,
            stream="CXZY_PLEDGES",
            inbox_prefix=f"{county.inbox_prefix}.".encode(),
        )
        with pytest.raises(Exception):  # noqa: B017 — a permission error or a timeout: nothing is delivered
            await other.fetch(1, timeout=1)
        with pytest.raises(Exception):  # noqa: B017
            await js.get_msg("CXZY_PLEDGES", 1)
        with pytest.raises(Exception):  # noqa: B017
            await js.pull_subscribe("cxzy.pledges.>", durable="mine", stream="CXZY_PLEDGES")
        await nc.close()

        tax = user(users, "down-bi")  # a downstream system reading the vertical subtree only
        nc = await connect_as(server, tax, [])
        sub = await nc.jetstream().pull_subscribe_bind(
            tax.durable, stream="CXZY_PLEDGES", inbox_prefix=f"{tax.inbox_prefix}.".encode()
        )
        assert [Envelope.from_message(m.headers, m.data).orgid for m in await sub.fetch(10, timeout=2)] == ["TAXB1"]
        await nc.close()
        for rt in runtimes:
            await rt.stop()
            rt.close()
    finally:
        server.stop()
