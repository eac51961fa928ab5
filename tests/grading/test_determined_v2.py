"""定级确定 v2 (docs/CONTRACT.md "Moving to a new version"), end to end on a real nats-server and each store:
during v1's deprecation window one determination is published twice — v1 exactly as before, marked with the
CloudEvents deprecation attributes, and v2 on its own subject — in one hash chain; awards (a v1 consumer)
sees it once; a determination stored before v2 existed is upcast in the write model and publishes the same
v1 bytes as before plus a v2 whose ``determined_on`` comes from when it was recorded."""

from __future__ import annotations

import json

import jsonschema
import pytest

from services.grading.contract import CONTRACT
from shared.audit import check_chain
from shared.envelope import Envelope

from ..evaluations.conftest import stream_events
from ..stack import Stack
from .bus import EvaluationsFeed
from .conftest import GRADING_DIRECTORY
from .test_two_years_http import Client

V1, V2 = (next(t for t in CONTRACT.types if t.name == "determined" and t.version == v) for v in (1, 2))


@pytest.fixture
async def gastack(tmp_path, store):
    s = await Stack(tmp_path, store, services=("grading", "awards"), directory=GRADING_DIRECTORY).start()
    yield s
    await s.stop()


async def determined_vil1(stack) -> dict:
    c = Client(stack)
    cycle = await c.deploy(2025, "2025.1")
    await EvaluationsFeed(stack).completed("VIL1", 2025, 80)  # 党员群众评议 (E8) first
    await stack.settle()  # grading has read it
    await c.assess(cycle["cycle_id"], "VIL1", 0.95)
    result = await c.determine(cycle["cycle_id"], "VIL1")
    await stack.settle()
    return result


async def test_one_determination_is_published_as_v1_deprecated_and_as_v2(gastack):
    await determined_vil1(gastack)
    js = gastack["grading"].js
    v1 = await stream_events(js, "cxzy.grading.determined.>", "CXZY_GRADING")
    v2 = await stream_events(js, "cxzy.grading.determined_v2.>", "CXZY_GRADING")
    assert len(v1) == len(v2) == 1
    old, new = (Envelope.from_message(m.headers, m.data) for m in (v1[0], v2[0]))
    assert old.type == "cn.cxzy.grading.determined.v1" and new.type == "cn.cxzy.grading.determined.v2"
    assert v1[0].headers["ce-deprecated"] == "true"
    assert v1[0].headers["ce-deprecationsunset"] == V1.deprecation.sunset
    assert "ce-deprecated" not in v2[0].headers
    assert old.sequence == new.sequence and old.id != new.id  # one stored event, two messages
    jsonschema.validate(old.data, V1.schema)
    jsonschema.validate(new.data, V2.schema)
    assert "determined_on" not in old.data and set(old.data) >= {"grade", "rank", "ladder", "advanced"}
    assert new.data["grade"]["label"] == old.data["grade"] and new.data["grade"]["rank"] == old.data["rank"]
    assert new.data["grade"]["rungs"] == len(old.data["ladder"]) and new.data["determined_on"]
    everything = await stream_events(js, "cxzy.grading.>", "CXZY_GRADING")
    chain = check_chain((m.metadata.sequence.stream, Envelope.from_message(m.headers, m.data)) for m in everything)
    assert chain["ok"], chain
    grades = gastack["awards"].db.query("SELECT org_id, grade FROM aw_grades")
    assert grades == [{"org_id": "VIL1", "grade": old.data["grade"]}]  # the v1 consumer, once


async def test_a_determination_stored_before_v2_is_upcast_and_keeps_its_v1_bytes(gastack):
    await determined_vil1(gastack)
    app = gastack["grading"].app
    stored = next(
        n for n in app.recorder.select_notifications(start=1, limit=1000) if n.topic.endswith("OrgGrading.Determined")
    )
    today = app.mapper.to_domain_event(stored)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("determined_on")
    as_v1 = type(stored)(  # what the store held before v2: no class_version, no determined_on
        id=stored.id,
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    upcast = app.mapper.to_domain_event(as_v1)
    assert upcast.determined_on == upcast.timestamp.date().isoformat()
    (_, v1_then), (_, v2_then) = CONTRACT.envelopes(upcast, stored.id)
    (_, v1_now), _ = CONTRACT.envelopes(today, stored.id)
    assert v1_then.payload() == v1_now.payload()  # the v1 subscribers' bytes never change
    assert v2_then.data["determined_on"] == upcast.timestamp.date().isoformat()
