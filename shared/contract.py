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

from .envelope import Envelope
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


_SCALARS = frozenset({str, int, float, bool, type(None)})  # exactly these types (a str Enum is not one)


def to_jsonable(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: the relay's hot path
        return value
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


def event_id(service: str, originator_id: Any, version: int, type_version: int = 1) -> str:
    """Deterministic, so a republished event keeps its ``Nats-Msg-Id`` and hash; each published version of
    one domain event is a message of its own (``type_version`` 2 …)."""
    suffix = "" if type_version == 1 else f":v{type_version}"
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{service}:{originator_id}:{version}{suffix}"))


def schema_url(service: str, event: str, version: int) -> str:
    """Where the event's JSON Schema is served (shared.schemas): the site's public URL, set once — it is part of
    every event published (``ce-dataschema``)."""
    from .settings import get_settings

    return f"{get_settings().public_base_url}/schemas/events/{service}/{event}.v{version}.json"


def without(*names: str) -> Callable[[Any], dict]:
    """``to_data`` of an event type that leaves these domain fields out of its payload."""

    def to_data(event: Any) -> dict:
        data = event_fields(event)
        for name in names:
            data.pop(name, None)
        return data

    return to_data


@dataclass(frozen=True)
class Deprecation:
    """A published version on its way out (the CloudEvents deprecation extension): since when, when it stops,
    and where the migration is described."""

    since: str  # RFC 3339
    sunset: str  # RFC 3339: no messages of this version after it
    migration: str  # the migration guide's path on the site (docs/CONTRACT.md is served at /contract)

    def attributes(self) -> dict[str, str]:
        from .settings import get_settings

        return {
            "deprecated": "true",
            "deprecationfrom": self.since,
            "deprecationsunset": self.sunset,
            "deprecationmigration": get_settings().public_base_url + self.migration,
        }


@dataclass(frozen=True)
class EventType:
    name: str  # the subject token, e.g. "proposed"
    domain_event: type
    schema: dict
    title: str  # 承诺提出 …
    version: int = 1
    to_data: Callable[[Any], dict] = event_fields
    deprecation: Deprecation | None = None

    @property
    def token(self) -> str:
        """The subject's event token: ``determined`` for version 1, ``determined_v2`` for version 2."""
        return self.name if self.version == 1 else f"{self.name}_v{self.version}"

    def type_for(self, service: str) -> str:
        return f"cn.cxzy.{service}.{self.name}.v{self.version}"

    def schema_uri(self, service: str) -> str:
        return schema_url(service, self.name, self.version)


class Contract:
    def __init__(self, service: str, types: list[EventType]):
        self.service = service
        self.types = types
        self._by_class: dict[type, list[EventType]] = {}
        for t in types:
            self._by_class.setdefault(t.domain_event, []).append(t)
        self._by_type = {t.type_for(service): t for t in types}

    def event_type(self, domain_event: Any) -> EventType | None:
        """The first (oldest) published version of this domain event, or None if it is internal."""
        listed = self._by_class.get(type(domain_event))
        return listed[0] if listed else None

    def envelopes(self, domain_event: Any, sequence: int) -> list[tuple[str, Envelope]]:
        """(NATS subject, unchained envelope) of every published version of a domain event — two during a
        deprecation window — or none if it is internal."""
        return [self._envelope(et, domain_event, sequence) for et in self._by_class.get(type(domain_event), ())]

    def envelope(self, domain_event: Any, sequence: int) -> tuple[str, Envelope] | None:
        """The first published version's (subject, envelope), or None if the event is internal."""
        listed = self.envelopes(domain_event, sequence)
        return listed[0] if listed else None

    def _envelope(self, et: EventType, domain_event: Any, sequence: int) -> tuple[str, Envelope]:
        position = Position.from_dict(domain_event.org)
        trace = getattr(domain_event, "trace", None) or {}
        eid = event_id(self.service, domain_event.originator_id, domain_event.originator_version, et.version)
        env = Envelope(
            id=eid,
            source=f"/cxzy/{self.service}",
            type=et.type_for(self.service),
            subject=str(domain_event.originator_id),
            time=domain_event.timestamp.isoformat(),
            recordedtime=domain_event.timestamp.isoformat(),
            dataschema=et.schema_uri(self.service),
            orgid=position.org_id,
            localpath=position.local_path,
            verticalpath=position.vertical_path,
            correlationid=trace.get("correlation_id") or eid,
            causationid=trace.get("causation_id") or eid,
            sequence=sequence,
            data=et.to_data(domain_event),
            **(et.deprecation.attributes() if et.deprecation else {}),
        )
        return subject(self.service, et.token, position), env

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
