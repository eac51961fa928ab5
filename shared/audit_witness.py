"""``cxzy audit witness`` (issue 12): an independent process — run e.g. by an audit office with its own key — that
cosigns a service's checkpoints, modelled on c2sp.org/tlog-witness. It reads each add-checkpoint message on
``cxzy.audit.<service>``, checks the log's signature, that ``old`` is the size it last cosigned and the consistency
proof from its own last checkpoint; only then it saves the new checkpoint in its state file and publishes its
cosignature (c2sp.org/tlog-cosignature) on ``cxzy.audit.<service>.witness``. So two different histories of one
log can never both carry its cosignature; a verifier that requires N witnesses detects a split view."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import tlog
from .audit import AUDIT, checkpoint_messages, parse_add_checkpoint
from .audit_keys import origin
from .audit_note import Checkpoint, Note, NoteError, Signer, Verifier, open_checkpoint
from .logging import log
from .nats_io import connect, ensure_stream
from .scope import audit_subject
from .settings import Settings


def witness_subject(service: str) -> str:
    return audit_subject(service) + ".witness"


class NotCosigned(Exception):
    """The checkpoint is not cosigned; the message says why (the tlog-witness status in brackets), then in Chinese."""


def refused(code: int, zh: str, en: str) -> NotCosigned:
    return NotCosigned(f"[{code}] {en} / 拒绝联署：{zh}")


@dataclass
class WitnessState:
    size: int = 0
    root: bytes = tlog.EMPTY_ROOT
    audit_seq: int = 0  # the last checkpoint message read

    @classmethod
    def load(cls, path: Path) -> WitnessState:
        if not path.exists():
            return cls()
        d = json.loads(path.read_text())
        return cls(d["size"], base64.b64decode(d["root"]), d["audit_seq"])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {"size": self.size, "root": base64.b64encode(self.root).decode(), "audit_seq": self.audit_seq}
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)  # the new checkpoint is persisted before the cosignature leaves


class Witness:
    def __init__(self, signer: Signer, log_key: Verifier, service: str, state_path: Path):
        self.signer = signer
        self.log_key = log_key
        self.service = service
        self.origin = origin(log_key, service)
        self.state_path = state_path
        self.state = WitnessState.load(state_path)

    def add_checkpoint(self, body: bytes) -> Note | None:
        """The cosigned note (the checkpoint with this witness's line only), None if already cosigned; NotCosigned."""
        try:
            old, proof, note_text = parse_add_checkpoint(body)
            cp, _ = open_checkpoint(note_text, self.log_key)
        except (NoteError, ValueError) as exc:
            raise refused(403, f"检查点签名无效：{exc}", f"{exc}") from None
        if cp.origin != self.origin:
            raise refused(
                404, f"检查点来源 {cp.origin} 不是 {self.origin}", f"origin {cp.origin!r} is not {self.origin!r}"
            )
        if cp.size == self.state.size and cp.root == self.state.root:
            return None
        if old > cp.size:
            raise refused(
                400,
                f"旧树大小 {old} 大于检查点的 {cp.size}",
                f"old size {old} is larger than the checkpoint's {cp.size}",
            )
        if old != self.state.size:
            raise refused(
                409,
                f"旧树大小 {old} 与上次联署的检查点 {self.state.size} 不符",
                f"old size {old}, but the last cosigned checkpoint has {self.state.size}",
            )
        if not tlog.verify_consistency(old, cp.size, self.state.root, cp.root, proof):
            raise refused(
                422,
                f"检查点 {cp.size} 与已联署的 {self.state.size} 不一致（可能分叉），拒绝联署",
                f"checkpoint {cp.size} is not consistent with the cosigned {self.state.size}",
            )
        self.state.size, self.state.root = cp.size, cp.root
        self.state.save(self.state_path)
        line = self.signer.signature_line(cp.text)
        return Note.parse(f"{cp.text}\n{line}")

    async def run_once(self, js) -> int:
        """Every checkpoint message not read yet; returns how many were cosigned."""
        cosigned = 0
        async for seq, data, _ in checkpoint_messages(js, audit_subject(self.service), after=self.state.audit_seq):
            try:
                note = self.add_checkpoint(data) if not data.startswith(b"{") else None
            except NotCosigned as exc:
                log("witness").error("checkpoint refused", service=self.service, reason=str(exc))
                note = None
            self.state.audit_seq = seq
            self.state.save(self.state_path)
            if note is not None:
                size = Checkpoint.parse(note.text).size
                await js.publish(
                    witness_subject(self.service),
                    str(note).encode(),
                    headers={"Nats-Msg-Id": f"{self.signer.name}:{self.origin}:{size}"},
                )
                log("witness").info("checkpoint cosigned", service=self.service, size=size)
                cosigned += 1
        return cosigned


async def run(settings: Settings, witness: Witness, once: bool = False, poll_s: float = 1.0) -> int:
    nc = await connect(settings, name=f"cxzy-witness-{witness.signer.name}", one_shot=once)
    try:
        js = nc.jetstream()
        await ensure_stream(js, AUDIT, settings)
        total = await witness.run_once(js)
        while not once:
            await asyncio.sleep(poll_s)
            total += await witness.run_once(js)
        return total
    finally:
        await nc.close()
