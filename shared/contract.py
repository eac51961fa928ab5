"""Integration events as a published contract (docs/ARCHITECTURE.md "The envelope").

A service's ``contract.py`` lists its :class:`EventType` s: which internal domain event becomes which
versioned CloudEvent type, with what JSON Schema. Internal events not listed are never published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

import jsonschema

from .envelope import SCHEMA_BASE, Envelope
from .scope import Position, subject

EVENT_NAMESPACE = uuid.UUID("6f1c2b1e-4c55-4bd4-9a55-0d8f1c2e9a01")
_BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "org",
    "trace",
}  # not payload: ce-subject, ce-sequence, ce-time, subject tokens


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    return value


def event_fields(event: Any) -> dict:
    """The event's own fields, without the envelope's (ids, version, time, org, trace)."""
    return {k: to_jsonable(v) for k, v in event.__dict__.items() if k not in _BASE_FIELDS}


def event_id(service: str, originator_id: Any, version: int) -> str:
    """Deterministic, so a republished event keeps its ``Nats-Msg-Id`` and hash."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{service}:{originator_id}:{version}"))


@dataclass(frozen=True)
class EventType:
    name: str  # the subject token, e.g. "proposed"
    domain_event: type
    schema: dict
    title: str  # 承诺提出 …
    version: int = 1
    to_data: Callable[[Any], dict] = event_fields

    def type_for(self, service: str) -> str:
        return f"cn.cxzy.{service}.{self.name}.v{self.version}"

    def schema_uri(self, service: str) -> str:
        return f"{SCHEMA_BASE}/{service}/{self.name}.v{self.version}.json"


class Contract:
    def __init__(self, service: str, types: list[EventType]):
        self.service = service
        self.types = types
        self._by_class = {t.domain_event: t for t in types}
        self._by_type = {t.type_for(service): t for t in types}

    def event_type(self, domain_event: Any) -> EventType | None:
        return self._by_class.get(type(domain_event))

    def envelope(self, domain_event: Any, sequence: int) -> tuple[str, Envelope] | None:
        """(NATS subject, unchained envelope) for a domain event, or None if it is internal."""
        et = self.event_type(domain_event)
        if et is None:
            return None
        position = Position.from_dict(domain_event.org)
        trace = getattr(domain_event, "trace", None) or {}
        eid = event_id(self.service, domain_event.originator_id, domain_event.originator_version)
        env = Envelope(
            id=eid,
            source=f"/cxzy/{self.service}",
            type=et.type_for(self.service),
            subject=str(domain_event.originator_id),
            time=domain_event.timestamp.isoformat(),
            dataschema=et.schema_uri(self.service),
            orgid=position.org_id,
            localpath=position.local_path,
            verticalpath=position.vertical_path,
            correlationid=trace.get("correlation_id") or eid,
            causationid=trace.get("causation_id") or eid,
            sequence=sequence,
            data=et.to_data(domain_event),
        )
        return subject(self.service, et.name, position), env

    def validate(self, env: Envelope) -> None:
        et = self._by_type.get(env.type)
        if et is None:
            raise ValueError(f"unknown event type {env.type}")
        jsonschema.validate(env.data, et.schema)

    def schemas(self) -> dict[str, dict]:
        return {
            t.schema_uri(self.service): {"$id": t.schema_uri(self.service), "title": t.title, **t.schema}
            for t in self.types
        }


def obj(required: dict[str, dict], optional: dict[str, dict] | None = None) -> dict:
    """A JSON Schema object with the given required and optional properties."""
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": sorted(required),
    }


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
STRS = {"type": "array", "items": STR}
NULLSTR = {"type": ["string", "null"]}
ANY_OBJ = {"type": "object"}
