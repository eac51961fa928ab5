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
    """Issue 12: checkpoints are C2SP signed notes of the whole stream's Merkle tree; `cxzy audit verify-stream`
    (and `cxzy verify`) check each against the stream with the log's public key."""
    from shared.audit import add_checkpoint_body
    from shared.audit_note import Checkpoint, Signer

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
    note = await pledges.auditor.maybe_checkpoint(force=True)
    assert note.startswith(f"{pledges.auditor.origin}\n3\n")
    result = await verify_stream(stack.settings, "pledges")
    assert result["ok"] and result["checkpoints"] == 1
    assert not (await verify_stream(stack.settings, "pledges", Signer.generate("x.example").verifier))["ok"]

    # a checkpoint signed by the log key but of another history is reported
    forged = Checkpoint(pledges.auditor.origin, 2, bytes(32)).text
    body = add_checkpoint_body(0, [], f"{forged}\n{pledges.auditor.signer.signature_line(forged)}")
    await pledges.js.publish("cxzy.audit.pledges", body)
    result = await verify_stream(stack.settings, "pledges")
    assert not result["ok"] and result["reason"] == "events differ from the signed checkpoint"
