"""`cxzy replay` rebuilds a read model from sequence 1 to the same rows; `cxzy verify` walks the chain."""

from shared.audit import verify_stream
from shared.auth import Identity
from shared.replay import replay

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]


async def test_replay_rebuilds_the_ledger_and_verify_checks_the_chain(stack):
    pledges = stack["pledges"]
    for org in ("VIL1", "COM1", "TAXB1"):
        pid = pledges.app.propose(
            Identity(f"S-{org}", "secretary", org=org),
            org_id=org,
            pledger_kind="org",
            member_ids=[],
            kind="annual",
            items=ITEMS,
        )
        pledges.app.approve(Identity(f"S-{org}", "secretary", org=org), pid)
    pledges.nudge()
    await stack.settle()
    before = pledges.db.query("SELECT * FROM pl_pledges ORDER BY pledge_id")
    assert len(before) == 3
    await pledges.stop()  # replay runs with the service stopped
    counts = await replay(stack.settings, "pledges", "ledger")
    assert counts == {"pledges__ledger": 6}  # the checkpoint: the stream sequence of the last event
    assert pledges.db.query("SELECT * FROM pl_pledges ORDER BY pledge_id") == before
    result = await verify_stream(stack.settings, "pledges")
    assert result["ok"] and result["checked"] == 6
    await pledges.start()


async def test_signed_checkpoints_catch_a_rewritten_history(stack):
    import json

    from shared.merkle import merkle_root

    pledges = stack["pledges"]
    for org in ("VIL1", "COM1", "TAXB1"):
        pledges.app.propose(
            Identity(f"S-{org}", "secretary", org=org),
            org_id=org,
            pledger_kind="org",
            member_ids=[],
            kind="annual",
            items=ITEMS,
        )
    pledges.nudge()
    await stack.settle()
    assert await pledges.auditor.maybe_checkpoint() is None  # fewer than audit_every new events
    cp = await pledges.auditor.maybe_checkpoint(force=True)
    assert (cp["first_sequence"], cp["last_sequence"]) == (1, 3)
    result = await verify_stream(stack.settings, "pledges")
    assert result["ok"] and result["checkpoints"] == 1

    # a forged checkpoint (right shape, wrong root) is reported; so is one signed by another key
    js = pledges.js
    forged = {**cp, "first_sequence": 4, "last_sequence": 4, "root": merkle_root([b"x"]).hex()}
    await js.publish("cxzy.audit.pledges", json.dumps(forged).encode())
    result = await verify_stream(stack.settings, "pledges")
    assert not result["ok"] and result["reason"] == "checkpoint signature invalid"
