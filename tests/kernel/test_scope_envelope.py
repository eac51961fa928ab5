"""The subject/scope function (H1, H4) and the envelope's hash chain, without a server."""

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_binary_event
from hypothesis import given
from hypothesis import strategies as st

from shared.audit import check_chain
from shared.envelope import GENESIS, Envelope
from shared.scope import Position, Scope, ScopeError, parse_subject, subject

TAX_BRANCH = Position("TAXB1", ("13", "1301", "130102"), ("tax", "13", "1301", "130102"))
VILLAGE = Position("VIL1", ("13", "1301", "130102", "130102001"))
code = st.text("0123456789", min_size=1, max_size=4)


def matches(filter_subject: str, subj: str) -> bool:
    """NATS wildcard semantics, to check our filters against our memberships."""
    f, s = filter_subject.split("."), subj.split(".")
    for i, token in enumerate(f):
        if token == ">":
            return len(s) > i
        if i >= len(s) or (token != "*" and token != s[i]):
            return False
    return len(f) == len(s)


def test_subject_carries_both_hierarchies_at_fixed_depth():
    assert (
        subject("grading", "determined", TAX_BRANCH)
        == "cxzy.grading.determined.13.1301.130102._.tax.13.1301.130102.TAXB1"
    )
    assert subject("pledges", "proposed", VILLAGE) == "cxzy.pledges.proposed.13.1301.130102.130102001._._._._.VIL1"
    assert parse_subject(subject("pledges", "proposed", TAX_BRANCH)) == ("pledges", "proposed", TAX_BRANCH)


def test_design_examples():
    assert Scope.parse("local:13/1301/130102").filter_subject() == "cxzy.*.*.13.1301.130102.>"
    assert Scope.parse("vertical:tax/13").filter_subject() == "cxzy.*.*.*.*.*.*.tax.13.>"
    assert Scope.parse("local:13").filter_subject("grading", "determined") == "cxzy.grading.determined.13.>"


@given(
    local=st.lists(code, min_size=1, max_size=4),
    vertical=st.lists(code, max_size=4),
    scope_local=st.lists(code, max_size=4),
    scope_vertical=st.lists(code, min_size=1, max_size=4),
)
def test_filter_and_membership_never_disagree(local, vertical, scope_local, scope_vertical):
    position = Position("ORG1", tuple(local), tuple(vertical))
    subj = subject("pledges", "proposed", position)
    for scope in (Scope("local", tuple(scope_local)), Scope("vertical", tuple(scope_vertical))):
        assert scope.contains(position) == matches(scope.filter_subject(), subj)


@pytest.mark.parametrize("bad", ["13/1301", "county:13", "local:13/a.b", "vertical:", "local:1/2/3/4/5"])
def test_bad_scopes_are_refused(bad):
    with pytest.raises(ScopeError):
        Scope.parse(bad)


def test_within():
    assert Scope.parse("local:13/1301").within(Scope.parse("local:13"))
    assert not Scope.parse("local:13").within(Scope.parse("local:13/1301"))
    assert not Scope.parse("vertical:tax/13").within(Scope.parse("local:13"))


def envelope(seq: int, data: dict) -> Envelope:
    return Envelope(
        id=f"00000000-0000-0000-0000-{seq:012d}",
        source="/cxzy/pledges",
        type="cn.cxzy.pledges.proposed.v1",
        subject="p1",
        time="2026-01-01T00:00:00+00:00",
        dataschema="https://x/s.json",
        orgid="VIL1",
        localpath="13/1301",
        verticalpath="",
        correlationid="c",
        causationid="c",
        sequence=seq,
        data=data,
    )


def test_hash_chain_detects_tampering_and_the_sdk_decodes_non_ascii_headers():
    chain, prev = [], GENESIS
    for seq in range(1, 4):
        env = envelope(seq, {"items": [{"text": "带头服务群众"}]}).chained(prev)
        chain.append((seq, env))
        prev = env.hash
    assert check_chain(chain)["ok"]
    tampered = list(chain)
    tampered[1] = (2, Envelope(**{**tampered[1][1].__dict__, "data": {"items": []}}))
    assert check_chain(tampered) == {
        "ok": False,
        "checked": 1,
        "broken_at": 2,
        "reason": "hash does not match the envelope",
    }
    dropped = [chain[0], chain[2]]
    assert check_chain(dropped)["broken_at"] == 3

    env = Envelope(**{**chain[0][1].__dict__, "localpath": "河北/石家庄"})
    headers = env.headers()
    assert all(v.isascii() for v in headers.values())  # percent-encoded
    event = from_binary_event(HTTPMessage(headers=headers, body=env.payload()))
    assert event.get_extension("localpath") == "河北/石家庄"
    assert Envelope.from_message(headers, env.payload()) == env
