"""The integration-event envelope: CloudEvents 1.0 on NATS, binary mode (docs/ARCHITECTURE.md "The envelope").

Attributes travel as ``ce-*`` headers (non-ASCII percent-encoded, as the CloudEvents NATS binding
says), the data as a UTF-8 JSON payload. Each service's events form a hash chain:
``hash = sha256(prevhash ‖ canonical envelope)``, where the canonical envelope is every attribute
except ``hash`` plus the data, as sorted, compact JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any
from urllib.parse import quote, unquote

SPECVERSION = "1.0"
GENESIS = "0" * 64
_SAFE = "/:+-._~!$&'()*,;=@"  # space, '"', '%' and all non-ASCII are percent-encoded (CloudEvents binding)


_PLAIN = re.compile(r"[A-Za-z0-9/:+\-._~!$&'()*,;=@]*")  # needs no percent-encoding


def _header_value(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else quote(value, safe=_SAFE)


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # what json.dumps builds


def canonical_json(value: Any) -> bytes:
    return _CANONICAL.encode(value).encode()


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    subject: str
    time: str
    dataschema: str
    orgid: str
    localpath: str
    verticalpath: str
    correlationid: str
    causationid: str
    sequence: int
    data: dict = field(default_factory=dict)
    prevhash: str = GENESIS
    hash: str = ""
    datacontenttype: str = "application/json"
    specversion: str = SPECVERSION
    recordedtime: str | None = None  # CloudEvents recordedtime extension: when the write model recorded it
    # the CloudEvents deprecation extension, only on a version past its announcement (docs/CONTRACT.md)
    deprecated: str | None = None  # "true"
    deprecationfrom: str | None = None
    deprecationsunset: str | None = None
    deprecationmigration: str | None = None

    def attributes(self) -> dict[str, Any]:
        """Every attribute that is set, shallow (``asdict`` would deep-copy the data on the relay's hot path);
        an extension attribute that is not set is absent, so events published before it existed keep their exact
        bytes and hashes."""
        attrs = {f.name: getattr(self, f.name) for f in _FIELDS}
        for name in EXTENSIONS:
            if attrs[name] is None:
                del attrs[name]
        return attrs

    def canonical(self) -> bytes:
        attrs = self.attributes()
        attrs.pop("hash")
        return canonical_json(attrs)

    def _link(self, prevhash: str) -> tuple[dict[str, Any], bytes]:
        """The next link's attributes but the data (in header order, ``hash`` set) and its payload."""
        attrs = self.attributes()
        data = attrs.pop("data")
        attrs["prevhash"] = prevhash
        payload = canonical_json(data)
        attrs["hash"] = hashlib.sha256(prevhash.encode() + _canonical_around(attrs, payload)).hexdigest()
        attrs["data"] = data
        return attrs, payload

    def chained(self, prevhash: str) -> Envelope:
        """This envelope as the next link after ``prevhash``."""
        return _build(self._link(prevhash)[0])

    def wire(self, prevhash: str) -> tuple[Envelope, bytes, dict[str, str]]:
        """The next link after ``prevhash`` with its payload and headers, the data encoded once (the relay's hot
        path): equal to ``chained(prevhash)`` and its ``payload()`` and ``headers()``."""
        attrs, payload = self._link(prevhash)
        env = _build(attrs)
        return env, payload, env._headers({k: v for k, v in attrs.items() if k != "data"})

    def verify_link(self) -> bool:
        return self.chained(self.prevhash).hash == self.hash

    def headers(self) -> dict[str, str]:
        attrs = self.attributes()
        attrs.pop("data")
        return self._headers(attrs)

    def _headers(self, attrs: dict[str, Any]) -> dict[str, str]:
        headers = {f"ce-{k}": _header_value(v if type(v) is str else str(v)) for k, v in attrs.items()}
        headers["content-type"] = self.datacontenttype
        headers["Nats-Msg-Id"] = self.id
        return headers

    def payload(self) -> bytes:
        return canonical_json(self.data)

    @classmethod
    def from_message(cls, headers: dict[str, str] | None, payload: bytes) -> Envelope:
        try:
            attrs: dict[str, Any] = {}
            for key, value in (headers or {}).items():
                name = _ATTRIBUTE_OF.get(key)
                if name is None:  # not as the kernel writes it: CloudEvents header names are case-insensitive
                    if key[:3].lower() != "ce-":
                        continue
                    name = key[3:].lower()
                attrs[name] = unquote(value) if "%" in value else value
            attrs["sequence"] = int(attrs["sequence"])
            if "data" in attrs:
                raise TypeError("data is not an attribute")
            text = payload.decode() if isinstance(payload, (bytes, bytearray)) else payload
            attrs["data"] = _decode_json(text or "{}")
            return _build(attrs)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a cxzy CloudEvent: {exc}") from exc

    @property
    def service(self) -> str:
        return self.source.rsplit("/", 1)[-1]

    @property
    def event_name(self) -> str:
        """``cn.cxzy.pledges.proposed.v1`` → ``proposed``"""
        return self.type.split(".")[-2]

    @property
    def version(self) -> int:
        """``cn.cxzy.grading.determined.v2`` → 2"""
        return int(self.type.rsplit(".v", 1)[1])

    @property
    def handled_as(self) -> str:
        """What a projection's handler is registered for: ``determined`` (v1), ``determined.v2`` (v2)."""
        return self.event_name if self.version == 1 else f"{self.event_name}.v{self.version}"


_FIELDS = fields(Envelope)
EXTENSIONS = ("recordedtime", "deprecated", "deprecationfrom", "deprecationsunset", "deprecationmigration")
_NAMES = frozenset(f.name for f in _FIELDS)
_REQUIRED = frozenset(f.name for f in _FIELDS if f.default is MISSING and f.default_factory is MISSING)
_ATTRIBUTE_OF = {f"ce-{name}": name for name in _NAMES}
_DEFAULTS = {f.name: f.default for f in _FIELDS if f.default is not MISSING}
_decode_json = json.JSONDecoder().decode


def _build(attrs: dict[str, Any]) -> Envelope:
    """``Envelope(**attrs)`` without the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field,
    the biggest cost of decoding a message): the same checks, the same object."""
    if not attrs.keys() <= _NAMES:
        raise TypeError(f"unexpected attributes {sorted(attrs.keys() - _NAMES)}")
    if not _REQUIRED <= attrs.keys():
        raise TypeError(f"missing attributes {sorted(_REQUIRED - attrs.keys())}")
    env = object.__new__(Envelope)
    env.__dict__.update(_DEFAULTS)
    env.__dict__.update(attrs)
    if "data" not in attrs:
        env.__dict__["data"] = {}
    return env


def _canonical_around(attrs: dict[str, Any], payload: bytes) -> bytes:
    """``canonical_json`` of ``attrs`` but ``hash``, plus ``data`` whose canonical bytes are ``payload``: the data
    spliced in at its sorted place, so it is encoded once (equal bytes, checked in tests/kernel)."""
    before = {k: v for k, v in attrs.items() if k < "data" and k != "hash"}
    after = {k: v for k, v in attrs.items() if k > "data" and k != "hash"}
    head = canonical_json(before)[:-1] + b"," if before else b"{"
    tail = b"," + canonical_json(after)[1:] if after else b"}"
    return head + b'"data":' + payload + tail
