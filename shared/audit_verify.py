"""``cxzy audit verify BUNDLE --key VKEY`` (issue 12): check an audit bundle offline — no NATS, no database, no
service code; the standard library, ``cryptography``, shared.tlog and shared.audit_note only — in constant memory,
reading the bundle line by line, and name the first failure.

The bundle (written by ``cxzy audit export``, shared.audit_export) is UTF-8 JSON lines, in this order:

1. ``{"format": "cxzy-audit-bundle/v1", "service", "origin", "scope", "from", "until", "first", "end",
   "tree_size"}`` — the period is [from, until) (ISO 8601 with offset); leaves [first, end) are in the bundle,
   leaf ``i`` being the message at stream sequence ``i + 1``; ``tree_size`` is the checkpoint's.
2. ``{"checkpoint": "<signed note>"}`` — the c2sp.org/tlog-checkpoint, signed by the log key, with the witnesses'
   c2sp.org/tlog-cosignature lines.
3. ``{"keys": {"log": vkey, "witnesses": [vkey…]}}`` — for information only: the verifier uses the keys it is given.
4. ``{"left": [base64…]}`` — the hashes of the aligned perfect subtrees covering leaves [0, first), largest first.
5. one line per leaf ``first … end - 1``: ``{"leaf": i, "subject", "headers": base64 header block, "data": base64
   payload}`` — the exact bytes stored; an event outside the scope has ``"data_sha256"`` instead of ``"data"``.
   ``"leaf_hash"`` (base64) names a damaged event precisely. The first leaf precedes the period (unless it is
   leaf 0), the last follows it (unless it is the last of the tree), so the period lies inside the bundle.
6. ``{"right": [base64…]}`` — the hashes of the aligned perfect subtrees covering leaves [end, tree_size).
7. ``{"end": {"leaves": end - first, "events": <events of the scope in the period>}}``.

Checked: the log key's signature and N witness cosignatures; each leaf's position; that no event of the scope is
withheld; the boundaries; and that left + leaves + right give the checkpoint's root hash (RFC 6962) — so a changed
byte, a dropped, inserted or reordered event, a forged proof hash or a forked checkpoint cannot pass.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from . import tlog
from .audit_note import NoteError, Verifier, cosigners, open_checkpoint

FORMAT = "cxzy-audit-bundle/v1"
LOCAL_DEPTH = VERTICAL_DEPTH = (
    4  # the subject layout of shared.scope: cxzy.<service>.<event>.<local×4>.<vertical×4>.<org>
)


class BundleError(Exception):
    """The first failure, said precisely (which line, which event, what is wrong)."""


def header_values(block: bytes) -> dict[str, str]:
    """A raw NATS header block's values (names lower-cased, percent-decoded)."""
    lines = block.decode().split("\r\n")
    out = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = unquote(value.strip())
    return out


def in_scope(subject: str, scope: str) -> bool:
    kind, _, rest = scope.partition(":")
    path = [p for p in rest.split("/") if p and p != "*"]
    parts = subject.split(".")
    own = parts[3 : 3 + LOCAL_DEPTH] if kind == "local" else parts[3 + LOCAL_DEPTH : 3 + LOCAL_DEPTH + VERTICAL_DEPTH]
    own = [t for t in own if t != "_"]
    return own[: len(path)] == path


def _b64(value, where: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError):
        raise BundleError(f"{where}: not base64") from None


def _hashes(values, where: str) -> list[bytes]:
    out = [_b64(v, where) for v in values or []]
    if any(len(h) != 32 for h in out):
        raise BundleError(f"{where}: a hash is not 32 bytes")
    return out


def _record(lines, number: int, key: str) -> dict:
    raw = next(lines, None)
    if raw is None:
        raise BundleError(f"bundle truncated: line {number} ({key}) is missing")
    try:
        record = json.loads(raw)
    except ValueError:
        raise BundleError(f"line {number}: not valid JSON (the bundle is damaged or truncated)") from None
    if not isinstance(record, dict) or key not in record:
        raise BundleError(f"line {number}: expected the {key!r} record")
    return record


def verify_bundle(
    lines: Iterable[bytes | str], key: Verifier, witnesses: Sequence[Verifier] = (), required: int = 0
) -> dict:
    """The bundle's summary if it verifies; BundleError naming the first failure otherwise."""
    it = iter(lines)
    head = _record(it, 1, "format")
    if head["format"] != FORMAT:
        raise BundleError(f"line 1: format {head['format']!r}, expected {FORMAT}")
    try:
        first, end, size = int(head["first"]), int(head["end"]), int(head["tree_size"])
        start, until = dt.datetime.fromisoformat(head["from"]), dt.datetime.fromisoformat(head["until"])
        scope, service, origin = head["scope"], head["service"], head["origin"]
    except (KeyError, ValueError) as exc:
        raise BundleError(f"line 1: incomplete or malformed header ({exc})") from None
    if not 0 <= first <= end <= size:
        raise BundleError(f"line 1: leaves [{first}, {end}) do not lie in a tree of {size}")
    note = _record(it, 2, "checkpoint")["checkpoint"]
    try:
        cp, signed = open_checkpoint(note, key)
        names = cosigners(signed, list(witnesses))
    except NoteError as exc:
        raise BundleError(f"line 2: {exc}") from None
    if cp.origin != origin or cp.size != size:
        raise BundleError(f"line 2: the checkpoint is of {cp.origin} at {cp.size}, the bundle says {origin} at {size}")
    if len(names) < required:
        raise BundleError(
            f"line 2: {len(names)} of the {required} required witness cosignatures verify ({', '.join(names) or 'none'})"
        )
    _record(it, 3, "keys")
    left = _hashes(_record(it, 4, "left")["left"], "line 4 (left)")
    if len(left) != len(tlog.decomposition(0, first)):
        raise BundleError(
            f"line 4: {len(left)} left hashes, a tree cut at {first} needs {len(tlog.decomposition(0, first))}"
        )
    tree = tlog.CompactRange(left, first)
    events = 0
    number = 4
    for index in range(first, end):
        number += 1
        events += _leaf(_record(it, number, "leaf"), number, index, tree, scope, service, (start, until),
                        boundary=(index == first and first > 0, index == end - 1 and end < size))  # fmt: skip
    number += 1
    right = _hashes(_record(it, number, "right")["right"], f"line {number} (right)")
    pieces = tlog.decomposition(end, size)
    if len(right) != len(pieces):
        raise BundleError(f"line {number}: {len(right)} right hashes, leaves [{end}, {size}) need {len(pieces)}")
    for digest, (_, n) in zip(right, pieces, strict=True):
        tree.append_subtree(digest, n)
    if tree.root() != cp.root:
        raise BundleError(
            f"the events and proof hashes do not give the root of checkpoint {size}: an event was changed, dropped, "
            "inserted or reordered, or a proof hash forged"
        )
    number += 1
    tail = _record(it, number, "end")["end"]
    if tail != {"leaves": end - first, "events": events}:
        raise BundleError(
            f"line {number}: the end record says {tail}, the bundle holds {end - first} leaves, {events} events"
        )
    if next(it, None) is not None:
        raise BundleError(f"line {number + 1}: data after the end record")
    return {"ok": True, "service": service, "scope": scope, "from": head["from"], "until": head["until"],
            "checkpoint": size, "events": events, "leaves": end - first, "witnesses": names}  # fmt: skip


def _leaf(record: dict, number: int, index: int, tree: tlog.CompactRange, scope: str, service: str,
          period: tuple[dt.datetime, dt.datetime], boundary: tuple[bool, bool]) -> int:  # fmt: skip
    """Check one leaf line and append it to the tree; 1 if it is an event of the scope in the period."""
    where = f"line {number} (leaf {record.get('leaf')}, stream sequence {index + 1})"
    if record.get("leaf") != index:
        raise BundleError(
            f"line {number}: leaf {record.get('leaf')} where leaf {index} (stream sequence {index + 1}) was expected: "
            "an event was dropped, inserted or reordered"
        )
    subject = record.get("subject")
    if not isinstance(subject, str) or subject.split(".")[1:2] != [service]:
        raise BundleError(f"{where}: not a subject of {service}")
    block = _b64(record.get("headers"), where)
    if "data" in record:
        data_sha = hashlib.sha256(_b64(record["data"], where)).digest()
    elif in_scope(subject, scope):
        raise BundleError(f"{where}: an event of scope {scope} ({subject}) whose content is withheld")
    else:
        data_sha = _b64(record.get("data_sha256"), where)
    digest = tlog.leaf_hash(tlog.leaf_data(subject, hashlib.sha256(block).digest(), data_sha))
    if "leaf_hash" in record and _b64(record["leaf_hash"], where) != digest:
        raise BundleError(f"{where}: its bytes do not match its leaf hash (the event was changed)")
    tree.append(digest)
    try:
        when = dt.datetime.fromisoformat(header_values(block)["ce-time"])
    except (KeyError, ValueError, UnicodeDecodeError):
        raise BundleError(f"{where}: no readable ce-time header") from None
    start, until = period
    if boundary[0] and when >= start:
        raise BundleError(f"{where}: the bundle starts inside the period (events before it may be missing)")
    if boundary[1] and when < until:
        raise BundleError(f"{where}: the bundle ends inside the period (events after it may be missing)")
    return int("data" in record and in_scope(subject, scope) and start <= when < until)


def verify_file(path, key: Verifier, witnesses: Sequence[Verifier] = (), required: int = 0) -> dict:
    with open(path, "rb") as f:
        return verify_bundle((line for line in f if line.strip()), key, witnesses, required)
