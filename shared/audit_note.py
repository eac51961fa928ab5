"""Checkpoints as C2SP signed notes (issue 12): keys, notes, checkpoints and witness cosignatures in the open
formats of c2sp.org/signed-note, c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature (Ed25519).
Standard library and ``cryptography`` only: the auditors' verifier imports it.

A checkpoint is the note text ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` followed by a blank line and
signature lines ``— <key name> base64(key ID ‖ signature)``. A log key signs the text (type 0x01); a witness
cosigns ``cosignature/v1\\ntime <t>\\n`` + the text (type 0x04, the signature preceded by the 8-byte time).

Keys are files in the Go ``note`` form: ``PRIVATE+KEY+<name>+<key ID hex>+base64(type ‖ 32-byte seed)``;
verifier keys (vkeys, what auditors are given) are ``<name>+<key ID hex>+base64(type ‖ 32-byte public key)``.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .tlog import EMPTY_ROOT

LOG = 0x01  # Ed25519 note signature
COSIGNATURE = 0x04  # timestamped Ed25519 checkpoint cosignature
DASH = "\u2014"


class NoteError(ValueError):
    """A key, note or checkpoint that is malformed or does not verify; the message says which and why."""


def _key_id(name: str, kind: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"key name {name!r}: must be non-empty, without spaces or '+' (e.g. audit.example.gov.cn)")
    return name


@dataclass(frozen=True)
class Verifier:
    name: str
    kind: int
    public: bytes

    @property
    def key_id(self) -> bytes:
        return _key_id(self.name, self.kind, self.public)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([self.kind]) + self.public).decode()}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, key_id, material = vkey.strip().split("+", 2)
            raw = base64.b64decode(material, validate=True)
        except ValueError:
            raise NoteError(f"verifier key {vkey!r}: expected <name>+<key id hex>+<base64 key>") from None
        if len(raw) != 33 or raw[0] not in (LOG, COSIGNATURE):
            raise NoteError(f"verifier key {vkey!r}: not an Ed25519 log (0x01) or cosigner (0x04) key")
        verifier = cls(_check_name(name), raw[0], raw[1:])
        if verifier.key_id.hex() != key_id.lower():
            raise NoteError(f"verifier key {vkey!r}: key ID {key_id} does not match the key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except Exception:  # noqa: BLE001 — any failure is "does not verify"
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    kind: int
    seed: bytes

    @classmethod
    def generate(cls, name: str, kind: int = LOG) -> Signer:
        key = Ed25519PrivateKey.generate()
        return cls(_check_name(name), kind, key.private_bytes_raw())

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("not a private key file: expected PRIVATE+KEY+<name>+<key id>+<base64 key>")
        raw = base64.b64decode(parts[4])
        if len(raw) != 33 or raw[0] not in (LOG, COSIGNATURE):
            raise NoteError("private key file: not an Ed25519 log (0x01) or cosigner (0x04) key")
        signer = cls(_check_name(parts[2]), raw[0], raw[1:])
        if signer.verifier.key_id.hex() != parts[3].lower():
            raise NoteError("private key file: its key ID does not match the key")
        return signer

    @property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.kind, self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def private_text(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{material}\n"

    def signature_line(self, text: str, timestamp: int | None = None) -> str:
        """The note signature line of this key over a note text (a cosignature for a cosigner key)."""
        if self.kind == COSIGNATURE:
            timestamp = int(time.time()) if timestamp is None else timestamp
            raw = struct.pack(">Q", timestamp) + self._key.sign(cosigned_message(text, timestamp))
        else:
            raw = self._key.sign(text.encode())
        return f"{DASH} {self.name} {base64.b64encode(self.verifier.key_id + raw).decode()}\n"


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class Note:
    text: str  # ends in a newline
    signatures: tuple[tuple[str, bytes], ...]  # (key name, key ID ‖ signature)

    @classmethod
    def parse(cls, note: str) -> Note:
        if any(ord(c) < 0x20 and c != "\n" for c in note):
            raise NoteError("signed note: contains control characters")
        text, sep, sigs = note.rpartition("\n\n")
        if not sep or not sigs.endswith("\n"):
            raise NoteError("signed note: no blank line followed by signature lines")
        signatures = []
        for line in sigs[:-1].split("\n"):
            dash, _, rest = line.partition(" ")
            name, _, sig = rest.partition(" ")
            try:
                raw = base64.b64decode(sig, validate=True)
            except ValueError:
                raw = b""
            if dash != DASH or not name or len(raw) < 5:
                raise NoteError(f"signed note: malformed signature line {line!r}")
            signatures.append((name, raw))
        return cls(text + "\n", tuple(signatures))

    def __str__(self) -> str:
        lines = "".join(f"{DASH} {name} {base64.b64encode(raw).decode()}\n" for name, raw in self.signatures)
        return f"{self.text}\n{lines}"

    def signed_by(self, verifier: Verifier) -> bool:
        """True if a signature line of this key verifies; NoteError if a line of this key fails (reject the note).
        A cosigner key's valid line must carry a cosignature over this text."""
        found = False
        for name, raw in self.signatures:
            if name != verifier.name or raw[:4] != verifier.key_id:
                continue  # another key's line: ignored, as the spec says
            if verifier.kind == COSIGNATURE:
                ok = len(raw) == 4 + 8 + 64 and verifier.verify(
                    cosigned_message(self.text, struct.unpack(">Q", raw[4:12])[0]), raw[12:]
                )
            else:
                ok = verifier.verify(self.text.encode(), raw[4:])
            if not ok:
                raise NoteError(f"signed note: the signature of {verifier.name} does not verify")
            found = True
        return found

    def with_line(self, line: str) -> Note:
        return Note.parse(str(self) + line)


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        try:
            origin, size, root = lines[0], lines[1], base64.b64decode(lines[2], validate=True)
            if not origin or str(int(size)) != size or int(size) < 0 or len(root) != 32:
                raise ValueError
        except (IndexError, ValueError):
            raise NoteError("checkpoint: expected origin, tree size and a base64 root hash on three lines") from None
        if int(size) == 0 and root != EMPTY_ROOT:
            raise NoteError("checkpoint: an empty tree must have the empty root")
        return cls(origin, int(size), root)


def open_checkpoint(note_text: str, log: Verifier) -> tuple[Checkpoint, Note]:
    """The checkpoint of a signed note once the log key's signature verifies; NoteError otherwise."""
    note = Note.parse(note_text)
    if not note.signed_by(log):
        raise NoteError(f"checkpoint: no signature of the log key {log.name}+{log.key_id.hex()}")
    return Checkpoint.parse(note.text), note


def cosigners(note: Note, witnesses: list[Verifier]) -> list[str]:
    """The names of the given witnesses whose cosignature on the note verifies."""
    return [w.name for w in witnesses if note.signed_by(w)]
