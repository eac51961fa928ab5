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
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import quote, unquote

SPECVERSION = "1.0"
GENESIS = "0" * 64
_SAFE = "/:+-._~!$&'()*,;=@"  # space, '"', '%' and all non-ASCII are percent-encoded (CloudEvents binding)


_PLAIN = re.compile(r"[A-Za-z0-9/:+\-._~!$&'()*,;=@]*")  # needs no percent-encoding


def _header_value(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else quote(value, safe=_SAFE)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


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

    def chained(self, prevhash: str) -> Envelope:
        """This envelope as the next link after ``prevhash``."""
        attrs = self.attributes()
        attrs.pop("hash")
        attrs["prevhash"] = prevhash
        digest = hashlib.sha256(prevhash.encode() + canonical_json(attrs)).hexdigest()
        return replace(self, prevhash=prevhash, hash=digest)

    def verify_link(self) -> bool:
        return self.chained(self.prevhash).hash == self.hash

    def headers(self) -> dict[str, str]:
        attrs = self.attributes()
        attrs.pop("data")
        headers = {f"ce-{k}": _header_value(str(v)) for k, v in attrs.items()}
        headers["content-type"] = self.datacontenttype
        headers["Nats-Msg-Id"] = self.id
        return headers

    def payload(self) -> bytes:
        return canonical_json(self.data)

    @classmethod
    def from_message(cls, headers: dict[str, str] | None, payload: bytes) -> Envelope:
        h = {k.lower(): v for k, v in (headers or {}).items()}
        try:
            attrs: dict[str, Any] = {k[3:]: unquote(v) if "%" in v else v for k, v in h.items() if k.startswith("ce-")}
            attrs["sequence"] = int(attrs["sequence"])
            return cls(data=json.loads(payload or b"{}"), **attrs)
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
