"""What goes on the bus is the published contract and nothing else: for every event type of every service,
the payload carries none of eventsourcing's internal fields (``originator_topic`` is a Python path, the id and
version are ``ce-subject`` and the stream's order, the time is ``ce-time``), only fields its JSON Schema names,
and still validates against that schema."""

import dataclasses
import datetime as dt
import uuid

import pytest

from services import SERVICES, spec
from shared.contract import Contract, EventType
from shared.scope import Position

INTERNAL = {"originator_id", "originator_version", "originator_topic", "timestamp", "org", "trace"}
BY_TYPE = {"str": "x", "int": 1, "float": 1.0, "bool": True, "dict": {}, "list": []}
CONTRACTS = [spec(name).contract for name in ("directory", *SERVICES)]
POSITION = Position("VIL1", ("13", "1301", "130102"), ("tax", "13")).as_dict()


def sample(schema: dict):
    """One value the schema accepts (enough to fill a domain event's field)."""
    if "enum" in schema:
        return schema["enum"][0]
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            return sample(schema[choice][-1])
    kind = schema.get("type", "object")
    kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
    if kind == "array":
        return [sample(schema.get("items", {"type": "string"}))] * max(1, schema.get("minItems", 1))
    if kind == "object":
        return {k: sample(v) for k, v in schema.get("properties", {}).items()}
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True, "null": None}[kind]


def domain_event(contract: Contract, et: EventType):
    """An instance of the event type's domain event, every field set (the base fields as eventsourcing sets them)."""
    properties: dict = {}  # every version's fields: a later version's payload is built from the same event
    for other in contract.types:
        if other.domain_event is et.domain_event:
            properties = {**other.schema.get("properties", {}), **properties}
    base = {
        "originator_id": uuid.uuid4(),
        "originator_version": 1,
        "timestamp": dt.datetime.now(dt.UTC),
        "originator_topic": f"services.{contract.service}.domain:{et.domain_event.__qualname__.split('.')[0]}",
        "org": POSITION,
        "trace": {"correlation_id": None, "causation_id": None},
    }
    values = {}
    for f in dataclasses.fields(et.domain_event):
        if f.name in base:
            values[f.name] = base[f.name]
        elif f.name in properties:
            values[f.name] = sample(properties[f.name])
        else:  # internal to the write model (deeds, an objector's words …): its type's plain value
            values[f.name] = BY_TYPE.get(str(f.type).split(" ")[0].split("[")[0], "x")
    return et.domain_event(**values)


CASES = [pytest.param(c, et, id=et.type_for(c.service)) for c in CONTRACTS for et in c.types]


@pytest.mark.parametrize(("contract", "et"), CASES)
def test_published_payload_is_the_contract_only(contract: Contract, et: EventType):
    event = domain_event(contract, et)
    env = next(e for _, e in contract.envelopes(event, 1) if e.type == et.type_for(contract.service))
    assert not INTERNAL & set(env.data), f"{env.type} publishes {INTERNAL & set(env.data)}"
    assert set(env.data) <= set(et.schema.get("properties", {})), f"{env.type}: fields outside its schema"
    contract.validate(env)
    assert env.subject == str(event.originator_id) and env.time == event.timestamp.isoformat()  # where they went


def test_every_creation_event_is_covered():
    """The case that leaked: events that create an aggregate carry ``originator_topic``."""
    created = [et for c in CONTRACTS for et in c.types if "originator_topic" in et.domain_event.__dataclass_fields__]
    assert len(created) >= len(SERVICES)
