"""Issue 12: an auditor's bundle, exported from a real stream (both stores) and verified offline with public keys
only; every tampering is caught and named (shared.audit_verify)."""

import base64
import datetime as dt
import json

import pytest

from shared.audit_export import export
from shared.audit_keys import DEV_LOG_KEY
from shared.audit_note import COSIGNATURE, Checkpoint, Signer
from shared.audit_verify import BundleError, verify_bundle
from shared.audit_witness import Witness
from shared.auth import Identity

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]
SCOPE = "local:13/1301/130102"  # VIL1 and TAXB1; COM1 is outside


def propose(pledges, org):
    who = Identity(f"S-{org}", "secretary", org=org)
    return pledges.app.propose(who, org_id=org, pledger_kind="org", member_ids=[], kind="annual", items=ITEMS)


def approve(pledges, org, pid):
    pledges.app.approve(Identity(f"S-{org}", "secretary", org=org), pid)


async def history(stack):
    """8 events; the period [t1, t2) holds leaves 2–5, of which 3 are in SCOPE."""
    pledges = stack["pledges"]
    ids = {org: propose(pledges, org) for org in ("VIL1", "COM1")}
    t1 = dt.datetime.now(dt.UTC)
    ids["TAXB1"] = propose(pledges, "TAXB1")
    for org in ("VIL1", "COM1", "TAXB1"):
        approve(pledges, org, ids[org])
    t2 = dt.datetime.now(dt.UTC)
    propose(pledges, "VIL1")
    propose(pledges, "COM1")
    pledges.nudge()
    await stack.settle()
    return t1.isoformat(), t2.isoformat()


@pytest.fixture
async def bundle(stack, tmp_path):
    t1, t2 = await history(stack)
    note = await stack["pledges"].auditor.maybe_checkpoint(force=True)
    assert Checkpoint.parse(note.split("\n\n")[0] + "\n").size == 8
    path = tmp_path / "bundle.jsonl"
    result = await export(stack.settings, "pledges", SCOPE, t1, t2, path, DEV_LOG_KEY.verifier)
    assert result["events"] == 3
    return path.read_text().splitlines(), stack


def check(lines, key=DEV_LOG_KEY.verifier, witnesses=(), required=0):
    return verify_bundle(lines, key, list(witnesses), required)


def fails(lines, *words, **kw):
    with pytest.raises(BundleError) as caught:
        check(lines, **kw)
    for word in words:
        assert word in str(caught.value), str(caught.value)
    return str(caught.value)


def leaves(lines):
    return [i for i, line in enumerate(lines) if '"leaf"' in line and '"subject"' in line]


def with_data(lines):
    return [i for i in leaves(lines) if '"data"' in lines[i]]


async def test_a_bundle_verifies_with_the_public_key_only(bundle):
    lines, _ = bundle
    head = json.loads(lines[0])
    assert (head["first"], head["end"], head["tree_size"]) == (1, 7, 8)  # a leaf either side of the period
    result = check(lines)
    assert result["ok"] and result["events"] == 3 and result["leaves"] == 6
    assert len(with_data(lines)) == 4  # leaf 1 (VIL1, before the period) is in scope too: shown, not counted


async def test_a_flipped_byte_is_named(bundle):
    lines, _ = bundle
    i = with_data(lines)[1]
    record = json.loads(lines[i])
    data = bytearray(base64.b64decode(record["data"]))
    data[5] ^= 1
    record["data"] = base64.b64encode(bytes(data)).decode()
    damaged = lines[:i] + [json.dumps(record)] + lines[i + 1 :]
    fails(damaged, f"leaf {record['leaf']}", "do not match its leaf hash")
    del record["leaf_hash"]  # a forger drops the hash that names it: the root still gives it away
    fails(lines[:i] + [json.dumps(record)] + lines[i + 1 :], "do not give the root")


async def test_dropped_inserted_reordered_and_withheld_events_are_caught(bundle):
    lines, _ = bundle
    i = with_data(lines)[1]
    fails(lines[:i] + lines[i + 1 :], "dropped, inserted or reordered")
    fails(lines[: i + 1] + lines[i:], "dropped, inserted or reordered")
    fails(lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2 :], "dropped, inserted or reordered")
    renumbered = [json.loads(line) for line in lines[i + 1 : leaves(lines)[-1] + 1]]
    for record in renumbered:
        record["leaf"] -= 1
    head = json.loads(lines[0]) | {"end": json.loads(lines[0])["end"] - 1}
    forged = [json.dumps(head), *lines[1:i], *map(json.dumps, renumbered), *lines[leaves(lines)[-1] + 1 :]]
    fails(forged, "do not give the root")
    record = json.loads(lines[i])
    record["data_sha256"] = base64.b64encode(
        __import__("hashlib").sha256(base64.b64decode(record.pop("data"))).digest()
    ).decode()
    fails(lines[:i] + [json.dumps(record)] + lines[i + 1 :], "content is withheld")


async def test_a_truncated_bundle_is_caught(bundle):
    lines, _ = bundle
    fails(lines[:-1], "truncated")
    fails(lines[:5], "truncated")
    fails(lines[:5] + [lines[5][: len(lines[5]) // 2]], "not valid JSON")


async def test_forged_proof_hashes_are_caught(bundle):
    lines, _ = bundle
    for n, key in ((3, "left"), (len(lines) - 2, "right")):
        record = json.loads(lines[n])
        assert record[key], key
        record[key][0] = base64.b64encode(bytes(32)).decode()
        fails(lines[:n] + [json.dumps(record)] + lines[n + 1 :], "do not give the root")


async def test_a_wrong_key_and_a_forked_checkpoint_are_caught(bundle):
    lines, _ = bundle
    fails(lines, "no signature of the log key", key=Signer.generate("dev.cxzy.invalid").verifier)
    head = json.loads(lines[0])
    fork = Checkpoint(head["origin"], 8, bytes(32)).text  # signed by the log key, but another history
    lines2 = lines[:1] + [json.dumps({"checkpoint": f"{fork}\n{DEV_LOG_KEY.signature_line(fork)}"})] + lines[2:]
    fails(lines2, "do not give the root of checkpoint 8")


async def test_witness_cosignatures_are_required_and_counted(stack, tmp_path):
    t1, t2 = await history(stack)
    pledges = stack["pledges"]
    await pledges.auditor.maybe_checkpoint(force=True)
    one, two = Signer.generate("w1.audit.example", COSIGNATURE), Signer.generate("w2.audit.example", COSIGNATURE)
    witness = Witness(one, DEV_LOG_KEY.verifier, "pledges", tmp_path / "w1.json")
    assert await witness.run_once(pledges.js) == 1
    path = tmp_path / "b.jsonl"
    await export(stack.settings, "pledges", SCOPE, t1, t2, path, DEV_LOG_KEY.verifier, [one.verifier, two.verifier])
    lines = path.read_text().splitlines()
    assert check(lines, witnesses=[one.verifier], required=1)["witnesses"] == ["w1.audit.example"]
    fails(lines, "1 of the 2 required witness cosignatures", witnesses=[one.verifier, two.verifier], required=2)
