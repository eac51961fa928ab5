"""shared.tlog against the RFC 6962 known answers (issue 12): roots of the Certificate Transparency test tree,
and transparency-dev/merkle's inclusion and consistency proof vectors (test_tlog_vectors.json), both the
happy paths and every corrupted proof."""

import base64
import json
import random
from pathlib import Path

import pytest

from shared import tlog

VECTORS = json.loads((Path(__file__).parent / "test_tlog_vectors.json").read_text())
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHES = [tlog.leaf_hash(leaf) for leaf in LEAVES]


def b64(items):
    return [base64.b64decode(x) for x in items or []]


@pytest.mark.parametrize("size", range(9))
def test_roots_are_the_rfc6962_known_answers(size):
    assert tlog.root(HASHES[:size]).hex() == ROOTS[size]


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: c["file"])
def test_inclusion_vectors(case):
    ok = tlog.verify_inclusion(
        case["leafIdx"], case["treeSize"], b64([case["leafHash"]])[0], b64(case["proof"]), b64([case["root"]])[0]
    )
    assert ok is not case["wantErr"]
    if (
        not case["wantErr"]
        and case["treeSize"] <= 8
        and b64([case["root"]])[0] == tlog.root(HASHES[: case["treeSize"]])
    ):
        assert tlog.inclusion_proof(case["leafIdx"], case["treeSize"], tlog.in_memory(HASHES)) == b64(case["proof"])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: c["file"])
def test_consistency_vectors(case):
    ok = tlog.verify_consistency(
        case["size1"], case["size2"], b64([case["root1"]])[0], b64([case["root2"]])[0], b64(case["proof"])
    )
    assert ok is not case["wantErr"]
    if not case["wantErr"] and case["size2"] <= 8 and b64([case["root2"]])[0] == tlog.root(HASHES[: case["size2"]]):
        assert tlog.consistency_proof(case["size1"], case["size2"], tlog.in_memory(HASHES)) == b64(case["proof"])


def test_generated_proofs_verify_and_fail_when_touched():
    rng = random.Random(12)
    leaves = [tlog.leaf_hash(rng.randbytes(8)) for _ in range(70)]
    tree = tlog.in_memory(leaves)
    for size in range(1, 71):
        root = tlog.root(leaves[:size])
        for index in range(size):
            proof = tlog.inclusion_proof(index, size, tree)
            assert tlog.verify_inclusion(index, size, leaves[index], proof, root)
            assert not tlog.verify_inclusion(index, size, leaves[(index + 1) % 70], proof, root)
        for old in range(0, size + 1):
            proof = tlog.consistency_proof(old, size, tree)
            assert tlog.verify_consistency(old, size, tlog.root(leaves[:old]), root, proof)
            if proof:
                forged = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
                assert not tlog.verify_consistency(old, size, tlog.root(leaves[:old]), root, forged)


def test_compact_range_grows_from_its_frontier_and_takes_aligned_subtrees():
    leaves = [tlog.leaf_hash(bytes([i])) for i in range(45)]
    for cut in range(46):
        start = tlog.CompactRange()
        for h in leaves[:cut]:
            start.append(h)
        resumed = tlog.CompactRange(start.hashes, cut)  # what a checkpointer keeps between two checkpoints
        for begin, size in tlog.decomposition(cut, 45):
            resumed.append_subtree(tlog.root(leaves[begin : begin + size]), size)
        assert resumed.root() == tlog.root(leaves)
    with pytest.raises(ValueError):
        tlog.CompactRange([leaves[0]], 1).append_subtree(leaves[1], 2)  # not aligned


def test_the_leaf_hashes_the_exact_bytes():
    block = b"NATS/1.0\r\nce-id: 1\r\n\r\n"
    base = tlog.message_leaf_hash("cxzy.grading.determined.13", block, b"{}")
    assert tlog.message_leaf_hash("cxzy.grading.determined.14", block, b"{}") != base
    assert tlog.message_leaf_hash("cxzy.grading.determined.13", block.replace(b"1", b"2"), b"{}") != base
    assert tlog.message_leaf_hash("cxzy.grading.determined.13", block, b"{ }") != base
