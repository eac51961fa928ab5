"""``cxzy audit export`` (issue 12): an auditor's bundle of one scope's events in a period, with what proves them
against a signed, cosigned checkpoint (the format: shared.audit_verify). Two passes over the stream, constant
memory: the first finds the period's events and the tree's frontier before them, the second writes the leaves
and the hashes of the tree after them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from . import tlog
from .audit import checkpoint_messages, parse_add_checkpoint, raw_messages
from .audit_keys import origin
from .audit_note import Checkpoint, Note, NoteError, Verifier, open_checkpoint
from .audit_verify import FORMAT, in_scope
from .audit_witness import witness_subject
from .nats_io import CommandFailed, connect
from .scope import audit_subject, parse_scope
from .settings import Settings

CHINA = dt.timezone(dt.timedelta(hours=8))


def period(start: str, end: str) -> tuple[dt.datetime, dt.datetime]:
    """``--from``/``--to`` as [from, until): a bare date is a day in China Standard Time, ``--to`` inclusive."""

    def parse(text: str, inclusive_end: bool) -> dt.datetime:
        try:
            if len(text) == 10:
                day = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), CHINA)
                return day + dt.timedelta(days=1) if inclusive_end else day
            moment = dt.datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
        except ValueError:
            raise CommandFailed(
                f"日期 {text!r} 格式不正确，应形如 2025-01-01", f"date {text!r}: write it like 2025-01-01"
            ) from None

    return parse(start, False), parse(end, True)


async def _checkpoints(js, service: str, key: Verifier, witnesses: Sequence[Verifier]) -> list[tuple[Checkpoint, Note]]:
    """The log's checkpoints, each with every cosignature of the given witnesses merged in."""
    found: dict[str, Note] = {}
    async for _, data, _ in checkpoint_messages(js, audit_subject(service)):
        if not data.startswith(b"{"):
            _, note = open_checkpoint(parse_add_checkpoint(data)[2], key)
            found[note.text] = note
    async for _, data, _ in checkpoint_messages(js, witness_subject(service)):
        try:
            cosigned = Note.parse(data.decode())
        except NoteError:
            continue
        known = found.get(cosigned.text)
        if known is not None and any(cosigned.signed_by(w) for w in witnesses):
            found[cosigned.text] = Note(known.text, known.signatures + cosigned.signatures)
    return [(Checkpoint.parse(n.text), n) for n in found.values()]


async def export(settings: Settings, service: str, scope: str, start: str, end: str, out: Path,
                 key: Verifier, witnesses: Sequence[Verifier] = ()) -> dict:  # fmt: skip
    scope = str(parse_scope(scope))
    since, until = period(start, end)
    nc = await connect(settings, name="cxzy-audit-export", one_shot=True)
    try:
        js = nc.jetstream()
        tree = tlog.CompactRange()
        frontier: tuple[list, int] | None = None
        first_in: int | None = None
        last_in: int | None = None
        before: tuple[list, int] = ([], 0)  # the frontier one leaf back: the bundle starts a leaf before the period
        async for m in raw_messages(js, service):  # pass 1: where the period is, the frontier before it
            when = dt.datetime.fromisoformat(m.headers["ce-time"])
            if since <= when < until:
                if first_in is None:
                    first_in, frontier = m.seq - 1, before
                last_in = m.seq - 1
            before = (tree.hashes, tree.size)
            tree.append(m.leaf_hash)
        if first_in is None or last_in is None or frontier is None:
            raise CommandFailed(f"{service} 在该期间没有事件", f"{service} has no events in that period")
        first = frontier[1]
        candidates = [(cp, n) for cp, n in await _checkpoints(js, service, key, witnesses) if cp.size > last_in]
        if not candidates:
            raise CommandFailed(
                f"尚无覆盖该期间的检查点：请稍候或运行 cxzy audit checkpoint {service}",
                f"no checkpoint covers the period yet: wait, or run cxzy audit checkpoint {service}",
            )
        cp, note = max(candidates, key=lambda c: (sum(c[1].signed_by(w) for w in witnesses), c[0].size))
        stop = min(last_in + 2, cp.size)
        head = {"format": FORMAT, "service": service, "origin": cp.origin, "scope": scope, "from": since.isoformat(),
                "until": until.isoformat(), "first": first, "end": stop, "tree_size": cp.size}  # fmt: skip
        events = 0
        with out.open("w") as f:
            write = lambda record: f.write(json.dumps(record, ensure_ascii=False) + "\n")  # noqa: E731
            write(head)
            write({"checkpoint": str(note)})
            write({"keys": {"log": key.vkey, "witnesses": [w.vkey for w in witnesses]}})
            write({"left": [base64.b64encode(h).decode() for h in frontier[0]]})
            right = [tlog.CompactRange() for _ in tlog.decomposition(stop, cp.size)]
            pieces = tlog.decomposition(stop, cp.size)
            async for m in raw_messages(js, service, first + 1, cp.size):  # pass 2: the leaves, the tree after them
                index = m.seq - 1
                if index < stop:
                    events += _write_leaf(write, m, index, scope, since, until)
                else:
                    piece = next(i for i, (s, n) in enumerate(pieces) if s <= index < s + n)
                    right[piece].append(m.leaf_hash)
            write({"right": [base64.b64encode(r.root()).decode() for r in right]})
            write({"end": {"leaves": stop - first, "events": events}})
        return {"bundle": str(out), "service": service, "scope": scope, "events": events, "checkpoint": cp.size,
                "origin": origin(key, service)}  # fmt: skip
    finally:
        await nc.close()


def _write_leaf(write, m, index: int, scope: str, since: dt.datetime, until: dt.datetime) -> int:
    record = {"leaf": index, "subject": m.subject, "headers": base64.b64encode(m.header_block).decode()}
    mine = in_scope(m.subject, scope)
    if mine:
        record["data"] = base64.b64encode(m.data).decode()
    else:
        record["data_sha256"] = base64.b64encode(hashlib.sha256(m.data).digest()).decode()
    record["leaf_hash"] = base64.b64encode(m.leaf_hash).decode()
    write(record)
    return int(mine and since <= dt.datetime.fromisoformat(m.headers["ce-time"]) < until)
