"""The transparency log of a service (issue 12): an RFC 6962 / RFC 9162 Merkle tree over the service's whole
stream, with inclusion and consistency proofs. Standard library only, so an auditor's verifier
(:mod:`shared.audit_verify`) needs nothing of the platform.

Leaf ``i`` is the message at stream sequence ``i + 1``. Its leaf data (:func:`leaf_data`, the one place the
encoding is defined) is built from the exact bytes JetStream stored and sent — never a re-serialisation::

    leaf_data = "cxzy-leaf/v1" LF ‖ subject LF ‖ SHA-256(header block) ‖ SHA-256(payload)
    leaf hash = SHA-256(0x00 ‖ leaf_data)                      (RFC 6962 §2.1)

The header block is the raw NATS header block as stored (``NATS/1.0`` CRLF, ``name: value`` CRLF …, CRLF),
the payload the message data. Hashing the two separately lets a bundle show an auditor *that* an event of
another scope is there (its subject) without showing its content; a subject never contains a line feed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

EMPTY_ROOT = hashlib.sha256(b"").digest()
LEAF_PREFIX = b"cxzy-leaf/v1\n"

Subtree = Callable[[int, int], bytes]  # MTH(D[a:b]) of the tree a proof is made for


def leaf_data(subject: str, header_sha256: bytes, payload_sha256: bytes) -> bytes:
    return LEAF_PREFIX + subject.encode() + b"\n" + header_sha256 + payload_sha256


def message_leaf_hash(subject: str, header_block: bytes, payload: bytes) -> bytes:
    """The leaf hash of a stored message from its exact bytes."""
    return leaf_hash(leaf_data(subject, hashlib.sha256(header_block).digest(), hashlib.sha256(payload).digest()))


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (RFC 6962 §2.1's k), n ≥ 2."""
    return 1 << ((n - 1).bit_length() - 1)


def decomposition(begin: int, end: int) -> list[tuple[int, int]]:
    """[begin, end) as the aligned perfect subtrees (start, size) that cover it, left to right. From 0 these are
    the tree's "frontier": what must be kept to go on appending."""
    out = []
    while begin < end:
        size = begin & -begin if begin else 1 << (end.bit_length() - 1)
        while begin + size > end:
            size >>= 1
        out.append((begin, size))
        begin += size
    return out


class CompactRange:
    """The hashes of the aligned perfect subtrees covering [0, size): append leaves (or aligned subtrees) one at a
    time in O(log n) memory, read the root at any size."""

    def __init__(self, hashes: Iterable[bytes] = (), size: int = 0):
        self.size = size
        self._nodes = [(s, h) for (_, s), h in zip(decomposition(0, size), hashes, strict=True)]

    @property
    def hashes(self) -> list[bytes]:
        return [h for _, h in self._nodes]

    def append(self, leaf: bytes) -> None:
        self.append_subtree(leaf, 1)

    def append_subtree(self, digest: bytes, size: int) -> None:
        if size & (size - 1) or self.size % size:
            raise ValueError(f"a subtree of {size} leaves cannot start at {self.size}")
        self._nodes.append((size, digest))
        self.size += size
        while len(self._nodes) > 1 and self._nodes[-1][0] == self._nodes[-2][0]:
            (s, left), (_, right) = self._nodes[-2], self._nodes[-1]
            self._nodes[-2:] = [(2 * s, node_hash(left, right))]

    def root(self) -> bytes:
        if not self._nodes:
            return EMPTY_ROOT
        digest = self._nodes[-1][1]
        for _, left in reversed(self._nodes[:-1]):
            digest = node_hash(left, digest)
        return digest


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    tree = CompactRange()
    for h in leaf_hashes:
        tree.append(h)
    return tree.root()


def in_memory(leaf_hashes: list[bytes]) -> Subtree:
    """MTH(D[a:b]) over a list of leaf hashes (tests, small trees)."""
    return lambda a, b: root(leaf_hashes[a:b])


# proofs (RFC 9162 §2.1.3 and §2.1.4) ---------------------------------------------------------------------------
def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[0:size])."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    proof: list[bytes] = []
    begin, end = 0, size
    while end - begin > 1:
        k = _split(end - begin)
        if index < begin + k:
            proof.append(subtree(begin + k, end))
            end = begin + k
        else:
            proof.append(subtree(begin, begin + k))
            begin += k
    return proof[::-1]


def consistency_proof(old: int, new: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old, D[0:new]): SUBPROOF(old, D[0:new], true)."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    if old in (0, new):
        return []
    proof: list[bytes] = []
    begin, end, complete = 0, new, True
    while True:
        n = end - begin
        m = old - begin
        if m == n:
            if not complete:
                proof.append(subtree(begin, end))
            break
        k = _split(n)
        if m <= k:
            proof.append(subtree(begin + k, end))
            end = begin + k
        else:
            proof.append(subtree(begin, begin + k))
            begin += k
            complete = False
    return proof[::-1]


def _hashes(*items: bytes) -> bool:
    return all(len(h) == 32 for h in items)


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root_hash: bytes) -> bool:
    if not 0 <= index < size or not _hashes(leaf, root_hash, *proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    if old == new:  # the same tree: the same root (an empty tree's is the hash of nothing)
        return not proof and old_root == new_root and (old > 0 or old_root == EMPTY_ROOT)
    if not 0 <= old < new or not _hashes(old_root, new_root, *proof):
        return False
    if old == 0:
        return not proof
    if not proof:
        return False
    path = [old_root, *proof] if old & (old - 1) == 0 else list(proof)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
