"""Merkle tree hashes as RFC 6962 defines them (Certificate Transparency), and signed checkpoints.

A checkpoint covers a range of a service's stream: ``root = MTH(hash_1 … hash_n)`` over the events'
chain hashes, signed with Ed25519. Anyone with the public key can check that the history they replay
is the one that was checkpointed; together with the hash chain a single changed, dropped or reordered
event is found.
"""

from __future__ import annotations

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 §2.1: split at the largest power of two smaller than n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def signing_key(seed_hex: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def checkpoint_body(service: str, first: int, last: int, root: bytes, head: str) -> dict:
    return {"service": service, "first_sequence": first, "last_sequence": last, "root": root.hex(), "head": head}


def sign(body: dict, key: Ed25519PrivateKey) -> dict:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return {**body, "signature": key.sign(message).hex(), "public_key": public_key_hex(key)}


def verify_signature(checkpoint: dict, public_key_hex_: str) -> bool:
    body = {k: v for k, v in checkpoint.items() if k not in ("signature", "public_key")}
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex_)).verify(
            bytes.fromhex(checkpoint["signature"]), message
        )
    except Exception:  # noqa: BLE001 — any failure is "not valid"
        return False
    return True
