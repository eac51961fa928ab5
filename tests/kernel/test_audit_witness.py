"""Issue 12: the checkpointer never signs, and a witness never cosigns, two inconsistent checkpoints; keys are made
with `cxzy audit keygen` and `cxzy serve` refuses the development keys outside development mode."""

import os
import subprocess
import sys

import pytest

from shared.audit import ForkRefused, add_checkpoint_body
from shared.audit_keys import DEV_LOG_KEY
from shared.audit_note import COSIGNATURE, Checkpoint, Note, Signer, Verifier
from shared.audit_witness import Witness, WitnessState
from shared.auth import Identity

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]
# c2sp.org/signed-note's own example: our parser and Ed25519 check accept the spec's note and key
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_signed_note_spec_example_verifies():
    key = Verifier.parse(SPEC_VKEY)
    assert Note.parse(SPEC_NOTE).signed_by(key)
    with pytest.raises(ValueError):
        Note.parse(SPEC_NOTE.replace("example message", "example massage")).signed_by(key)
    signer = Signer.generate("w.example", COSIGNATURE)
    assert Signer.parse(signer.private_text()).verifier.vkey == signer.verifier.vkey


async def add(pledges, n):
    for _ in range(n):
        pledges.app.propose(
            Identity("S-VIL1", "secretary", org="VIL1"),
            org_id="VIL1",
            pledger_kind="org",
            member_ids=[],
            kind="annual",
            items=ITEMS,
        )
    pledges.nudge()


async def test_witness_cosigns_consistent_checkpoints_only(stack, tmp_path):
    pledges = stack["pledges"]
    witness = Witness(Signer.generate("w1.example", COSIGNATURE), DEV_LOG_KEY.verifier, "pledges", tmp_path / "w.json")
    await add(pledges, 2)
    await stack.settle()
    await pledges.auditor.maybe_checkpoint(force=True)
    await add(pledges, 3)
    await stack.settle()
    await pledges.auditor.maybe_checkpoint(force=True)
    assert await witness.run_once(pledges.js) == 2  # 0 → 2 → 5, each proof checked
    assert WitnessState.load(tmp_path / "w.json").size == 5

    # a checkpoint signed by the log key that forks the history: refused, the state stays
    fork = Checkpoint(pledges.auditor.origin, 6, bytes(32)).text
    forged = add_checkpoint_body(5, [bytes(32)], f"{fork}\n{DEV_LOG_KEY.signature_line(fork)}")
    await pledges.js.publish("cxzy.audit.pledges", forged)
    assert await witness.run_once(pledges.js) == 0
    assert WitnessState.load(tmp_path / "w.json").size == 5

    # the checkpointer, too, refuses to sign once the stream no longer gives its last checkpoint
    await add(pledges, 1)
    await stack.settle()
    fake_previous = Checkpoint(pledges.auditor.origin, 5, bytes(32)).text
    await pledges.js.publish(
        "cxzy.audit.pledges",
        add_checkpoint_body(0, [], f"{fake_previous}\n{DEV_LOG_KEY.signature_line(fake_previous)}"),
    )
    with pytest.raises(ForkRefused):
        await pledges.auditor.maybe_checkpoint(force=True)


def cli(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CXZY_")}
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args], capture_output=True, text=True, env={**clean, **env}, timeout=60
    )


def test_keygen_writes_a_key_and_serve_refuses_the_development_keys(tmp_path):
    made = cli("audit", "keygen", "--name", "audit.example.gov.cn", "-o", str(tmp_path))
    assert made.returncode == 0, made.stderr
    vkey = Verifier.parse(made.stdout.strip())
    assert vkey.name == "audit.example.gov.cn"
    key_file = tmp_path / "audit.example.gov.cn.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert Signer.parse(key_file.read_text()).verifier == vkey
    refused = cli("serve", "pledges", CXZY_VAR_DIR=str(tmp_path / "var"))
    assert (
        refused.returncode == 1 and "未设置审计签名密钥" in refused.stderr and "CXZY_AUDIT_KEY_FILE" in refused.stderr
    )
    jwt = cli("serve", "pledges", CXZY_VAR_DIR=str(tmp_path / "var"), CXZY_AUDIT_KEY_FILE=str(key_file))
    assert jwt.returncode == 1 and "CXZY_JWT_KEYS" in jwt.stderr
