"""The few lines of the CloudEvents NATS binding (binary mode) this consumer needs: attributes are ``ce-*``
headers whose non-ASCII values are percent-encoded (UTF-8), the payload is JSON. Copied here so the example
depends on nothing of cxzy's code — only on its published contract (/asyncapi/grading.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class CloudEvent:
    attributes: dict[str, str]  # without the ``ce-`` prefix: id, type, source, time, orgid, sequence …
    data: dict

    @property
    def id(self) -> str:
        return self.attributes["id"]

    @property
    def type(self) -> str:
        return self.attributes["type"]

    @property
    def sequence(self) -> int:
        return int(self.attributes.get("sequence", "0"))


def decode(headers: dict[str, str] | None, payload: bytes) -> CloudEvent:
    """A message's CloudEvent; ValueError when it is not one (no ``ce-id``/``ce-type``, or no JSON payload)."""
    attributes = {k[3:].lower(): unquote(v) for k, v in (headers or {}).items() if k.lower().startswith("ce-")}
    if "id" not in attributes or "type" not in attributes:
        raise ValueError("not a CloudEvent: ce-id and ce-type headers are missing")
    try:
        data = json.loads(payload or b"null")
    except ValueError as exc:
        raise ValueError(f"payload of {attributes['id']} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"payload of {attributes['id']} is not a JSON object")
    return CloudEvent(attributes, data)
