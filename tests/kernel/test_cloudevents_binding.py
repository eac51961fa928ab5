"""Test vectors of the CloudEvents NATS binding as cxzy publishes it (docs/CONTRACT.md "The envelope"): every
attribute a ``ce-`` header, ``ce-datacontenttype`` beside ``content-type``, values percent-encoded with
upper-case hex wherever the binding says (space, '"', '%', anything outside printable ASCII), and every value
round-trips exactly — through our decoder and through the official CloudEvents SDK."""

from __future__ import annotations

import re

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_binary_event

from shared.envelope import GENESIS, Envelope

VECTORS = [  # (attribute value, its header value)
    ("VIL1", "VIL1"),
    ("河北/石家庄", "%E6%B2%B3%E5%8C%97/%E7%9F%B3%E5%AE%B6%E5%BA%84"),
    ("100% 完成", "100%25%20%E5%AE%8C%E6%88%90"),
    ('say "好"', "say%20%22%E5%A5%BD%22"),
    ("naïve-ü", "na%C3%AFve-%C3%BC"),
    ("emoji 🎉", "emoji%20%F0%9F%8E%89"),
    ("tab\there", "tab%09here"),
]


def envelope(correlation: str) -> Envelope:
    return Envelope(
        id="9b2f3c1e-0000-4000-8000-000000000001",
        source="/cxzy/grading",
        type="cn.cxzy.grading.determined.v1",
        subject="4f0c2d7a-0000-4000-8000-000000000002",
        time="2026-11-25T08:00:00.123456+00:00",
        recordedtime="2026-11-25T08:00:00.123456+00:00",
        dataschema="http://127.0.0.1:8000/schemas/events/grading/determined.v1.json",
        orgid="VIL1",
        localpath="13/1301/130102",
        verticalpath="",
        correlationid=correlation,
        causationid=correlation,
        sequence=7,
        data={"grade": "好", "comment": '群众满意度 100%，"带头服务"'},
    ).chained(GENESIS)


@pytest.mark.parametrize(("value", "header"), VECTORS)
def test_each_vector_is_encoded_as_the_binding_says_and_round_trips(value, header):
    env = envelope(value)
    headers = env.headers()
    assert headers["ce-correlationid"] == header
    assert not re.search(r"%([0-9a-f][a-f]|[a-f][0-9a-f])", "".join(headers.values()))  # upper-case hex only
    assert all(v.isascii() and v.isprintable() for v in headers.values())
    assert Envelope.from_message(headers, env.payload()) == env  # our decoder: every attribute, exactly
    sdk = from_binary_event(HTTPMessage(headers=headers, body=env.payload()))
    assert sdk.get_extension("correlationid") == value  # the official SDK reads the same value
    assert sdk.get_data() == env.payload() or sdk.get_data() == env.data


def test_every_attribute_travels_as_a_ce_header_and_the_payload_is_the_data_alone():
    env = envelope("c-1")
    headers = env.headers()
    expected = {f"ce-{name}" for name in env.attributes() if name != "data"}
    assert expected <= set(headers)
    assert {"ce-datacontenttype", "ce-time", "ce-recordedtime", "ce-specversion"} <= set(headers)
    assert headers["content-type"] == headers["ce-datacontenttype"] == "application/json"
    assert headers["Nats-Msg-Id"] == env.id
    assert env.payload().decode() == '{"comment":"群众满意度 100%，\\"带头服务\\"","grade":"好"}'


def test_an_attribute_that_is_not_set_is_absent_so_older_events_keep_their_hashes():
    env = envelope("c-2")
    without = Envelope(**{**env.__dict__, "recordedtime": None, "hash": ""}).chained(GENESIS)
    assert "ce-recordedtime" not in without.headers() and "ce-deprecated" not in without.headers()
    assert without.hash != env.hash and without.verify_link() and env.verify_link()
