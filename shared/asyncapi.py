"""Each service's public event contract as an AsyncAPI 3.0.0 document (issue 15; docs/ARCHITECTURE.md "The envelope").

One document per service — its published channels only, never the projections' internal subscriptions — served at
``/asyncapi/<service>.json``; ``/asyncapi.json`` merges them all; ``/asyncapi`` renders them as a page
(shared/asyncapi_page.py). Servers come from ``CXZY_NATS_URL`` (one per cluster URL); each channel is a subject
``cxzy.<service>.<event>.{province}…{org}`` with its parameters explained (shared/scope.py's layout); each message
has its payload's JSON Schema (the service's ``CONTRACT``), the CloudEvents ``ce-*`` headers as a headers schema
(shared/envelope.py) and a Chinese example (``<service package>.examples.EXAMPLES``).

The document is written as plain data rather than through FastStream: FastStream's AsyncAPI generator derives a
channel from a subscriber/publisher subject and offers no way to declare channel parameters with descriptions,
message headers schemas, message examples, correlation ids or several servers of one cluster.
"""

from __future__ import annotations

import importlib
from dataclasses import MISSING, fields
from typing import Any
from urllib.parse import urlsplit

from .contract import EventType
from .envelope import GENESIS, Envelope
from .nats_io import stream_name
from .scope import LOCAL_DEPTH, NONE, ROOT, VERTICAL_DEPTH, Position, Scope

EXAMPLE_POSITION = Position("O130102001V", ("13", "1301", "130102", "130102001"))  # 长安区第1街道村党支部
VERTICAL_POSITION = Position("TAX130102", ("13", "1301", "130102"), ("tax", "13", "1301", "130102"))
LOCAL_PARAMETERS = {  # name: (zh, en, example)
    "province": ("属地第1级：省级行政区划代码（GB/T 2260）", "territorial level 1: province code (GB/T 2260)", "13"),
    "prefecture": ("属地第2级：地级市代码", "territorial level 2: prefecture (city) code", "1301"),
    "county": ("属地第3级：县（区）代码", "territorial level 3: county or district code", "130102"),
    "township": ("属地第4级：乡镇（街道）代码", "territorial level 4: township or sub-district code", "130102001"),
}
VERTICAL_PARAMETERS = {
    "system": ("垂直第1级：垂直管理系统代码（如 tax 税务、icbc 工商银行）", "vertical level 1: the system", "tax"),
    "level1": ("垂直第2级：系统内第1级单位", "vertical level 2: the system's first level", "13"),
    "level2": ("垂直第3级：系统内第2级单位", "vertical level 3: the system's second level", "1301"),
    "level3": ("垂直第4级：系统内第3级单位", "vertical level 4: the system's third level", "130102"),
}
assert len(LOCAL_PARAMETERS) == LOCAL_DEPTH and len(VERTICAL_PARAMETERS) == VERTICAL_DEPTH

HEADER_TEXT = {  # CloudEvents attribute: (zh, en)
    "id": ("事件唯一标识，重投时不变：下游以它作幂等键", "event id, unchanged on redelivery: the idempotency key"),
    "source": ("发布服务", "the publishing service"),
    "type": ("事件类型及版本", "event type and version"),
    "subject": ("事件所属聚合（业务对象）的 ID", "id of the aggregate (business object) the event is about"),
    "time": ("事件发生时间（RFC 3339）", "when it happened (RFC 3339)"),
    "recordedtime": ("事件记入事件库的时间（RFC 3339）", "when it was recorded (RFC 3339)"),
    "dataschema": ("载荷 JSON Schema 的地址", "URL of the payload's JSON Schema"),
    "orgid": ("事件所涉组织 ID（主题最后一段）", "the org the event is about (the subject's last token)"),
    "localpath": ("该组织的属地路径，如 13/1301/130102", "the org's territorial path, e.g. 13/1301/130102"),
    "verticalpath": (
        "该组织的垂直路径，如 tax/13/1301；无则为空",
        "the org's vertical path, e.g. tax/13; empty if none",
    ),
    "correlationid": (
        "关联 ID：同一业务操作引起的事件相同",
        "correlation id shared by one business operation's events",
    ),
    "causationid": ("引起本事件的事件或请求的 ID", "id of the event or request that caused this one"),
    "sequence": ("本服务事件序号（逐一递增）", "the service's event sequence number (increments by one)"),
    "prevhash": ("本服务上一事件的哈希（哈希链）", "hash of the service's previous event (hash chain)"),
    "hash": ("sha256(prevhash ‖ 规范化信封)", "sha256(prevhash ‖ canonical envelope)"),
    "datacontenttype": ("载荷格式", "payload media type"),
    "specversion": ("CloudEvents 版本", "CloudEvents version"),
    "deprecated": ("本版本已宣布弃用", "this version is deprecated"),
    "deprecationfrom": ("弃用起始时间", "deprecated since"),
    "deprecationsunset": ("停止发布时间：此后不再有本版本消息", "sunset: no messages of this version after it"),
    "deprecationmigration": ("迁移说明地址", "where the migration is described"),
}
EXAMPLE_TIME = "2025-12-26T02:15:30.482113+00:00"


def subject_guide(service: str = "grading", event: str = "determined") -> str:
    """How subjects are built and filtered, in Chinese and English (the documents' and the page's description)."""
    local = [f"{{{p}}}" for p in LOCAL_PARAMETERS]
    vertical = [f"{{{p}}}" for p in VERTICAL_PARAMETERS]
    layout = ".".join([ROOT, "{service}", "{event}", *local, *vertical, "{org}"])
    city, system = Scope("local", ("13", "1301")), Scope("vertical", ("tax", "13"))
    return f"""主题结构 Subject layout: `{layout}`

每条事件消息的主题同时带有组织在两个层级中的位置：4 段属地（省、市、县、乡镇，GB/T 2260 代码）和 4 段垂直（垂直管理系统及其 3 级单位），最后一段是组织 ID。组织在某层级没有那么深时，该段为 `{NONE}`（下划线，表示"此层无"），因此每条主题都恰好有 {3 + LOCAL_DEPTH + VERTICAL_DEPTH + 1} 段，通配符位置固定。
Every subject carries the org's place in both hierarchies: 4 territorial tokens (province, prefecture, county, township; GB/T 2260 codes) and 4 vertical tokens (the vertically managed system and its 3 levels), then the org id. Where an org's path is shorter, the token is `{NONE}` ("no token at this depth"), so every subject has exactly {3 + LOCAL_DEPTH + VERTICAL_DEPTH + 1} tokens and wildcards keep their places.

例 Example: `{".".join([ROOT, service, event, *EXAMPLE_POSITION.tokens()])}` (长安区第1街道村党支部, no vertical path); `{".".join([ROOT, service, event, *VERTICAL_POSITION.tokens()])}` (长安区税务局党支部, 税务系统).

按范围订阅 Filters per scope: 全国 national `{Scope("local", ()).filter_subject(service, event)}`; 一个省 a province `{Scope("local", ("13",)).filter_subject(service, event)}`; 一个市 a city `{city.filter_subject(service, event)}`; 一个垂直系统的一级 a vertical subtree `{system.filter_subject(service, event)}`; 一个组织 one org `{".".join([ROOT, service, event, *["*"] * (LOCAL_DEPTH + VERTICAL_DEPTH), "O130102001V"])}`. 各服务的消息在 JetStream 流 `{stream_name(service)}`（即 CXZY_<SERVICE>）中，可用持久拉取消费者（durable pull consumer）从头读取。 Each service's messages are kept in its JetStream stream CXZY_<SERVICE>; read them with a durable pull consumer.

消息格式 Message format: CloudEvents 1.0 二进制模式 binary mode — 属性在 `ce-*` 头中（非 ASCII 值按 UTF-8 百分号编码，十六进制大写），载荷为 UTF-8 JSON，只含业务数据。`ce-id` 在重投时不变，下游以它去重（同时也是 `Nats-Msg-Id`）。 Attributes travel as `ce-*` headers (non-ASCII values percent-encoded as UTF-8, upper-case hex), the payload is UTF-8 JSON of domain data only; `ce-id` (also `Nats-Msg-Id`) is stable across redeliveries: de-duplicate on it.

版本 Versions: 破坏兼容的变化以新版本发布（类型 `….v2`，主题 `<event>_v2`），旧版本在弃用期内照常发布，并带 `ce-deprecated`、`ce-deprecationsunset` 等头。 A breaking change ships as a new version (type `….v2` on subject token `<event>_v2`); the old version keeps being published during its deprecation window, marked with the `ce-deprecated…` headers."""


def servers(nats_url: str, secured: bool) -> dict:
    """One AsyncAPI server per URL of ``CXZY_NATS_URL`` (a cluster lists every node, comma-separated)."""
    found = {}
    for i, url in enumerate((u.strip() for u in nats_url.split(",") if u.strip()), start=1):
        parts = urlsplit(url if "://" in url else f"nats://{url}")
        server: dict[str, Any] = {
            "host": parts.netloc.rpartition("@")[2],
            "protocol": "nats",
            "title": f"NATS {i}",
            "description": "NATS JetStream 集群节点（TLS）" if parts.scheme == "tls" else "NATS JetStream 节点 node",
        }
        if secured:
            server["security"] = [{"$ref": "#/components/securitySchemes/natsUser"}]
        found[f"nats-{i}"] = server
    return found


def parameters() -> dict:
    none = f"无此层时为 `{NONE}`。 `{NONE}` where the org's path is shorter."
    params = {}
    for name, (zh, en, example) in (LOCAL_PARAMETERS | VERTICAL_PARAMETERS).items():
        params[name] = {"description": f"{zh}。{en}. {none}", "examples": [example, NONE]}
    params["org"] = {
        "description": "组织 ID（事件所涉的组织）。 The id of the org the event is about.",
        "examples": ["O130102001V"],
    }
    return params


def example_envelope(service: str, et: EventType, data: dict) -> Envelope:
    """A real envelope (real header encoding, a real hash link) around an example payload."""
    deprecation = getattr(et, "deprecation", None)
    attrs: dict[str, Any] = {
        "id": "0b6f9f64-6a37-5d0e-9d1c-4f2a8e7b3c15",
        "source": f"/cxzy/{service}",
        "type": et.type_for(service),
        "subject": "2f1d7c3a-9b84-4e6f-a0d2-5c8b1e7f4a93",
        "time": EXAMPLE_TIME,
        "recordedtime": EXAMPLE_TIME,
        "dataschema": et.schema_uri(service),
        "orgid": EXAMPLE_POSITION.org_id,
        "localpath": EXAMPLE_POSITION.local_path,
        "verticalpath": EXAMPLE_POSITION.vertical_path,
        "correlationid": "7e3c9a51-0d4b-4f82-b6e1-3a5c7d9f2b60",
        "causationid": "7e3c9a51-0d4b-4f82-b6e1-3a5c7d9f2b60",
        "sequence": 1024,
        "data": data,
    }
    if deprecation is not None:
        attrs |= {
            "deprecated": "true",
            "deprecationfrom": deprecation.since,
            "deprecationsunset": deprecation.sunset,
            "deprecationmigration": deprecation.migration,
        }
    names = {f.name: f for f in fields(Envelope)}
    for name, f in names.items():  # an attribute added later still gets a value
        if name not in attrs and f.default is MISSING and f.default_factory is MISSING:
            attrs[name] = EXAMPLE_TIME
    env = Envelope(**{k: v for k, v in attrs.items() if k in names})
    return env.chained(
        "9c4e1f0a2b3d5e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f" if env.sequence > 1 else GENESIS
    )


def headers_schema(service: str, et: EventType, sample: Envelope) -> dict:
    """The CloudEvents NATS binding's headers of this message: every ``ce-*`` attribute, string-valued."""
    fixed = {
        "ce-source": f"/cxzy/{service}",
        "ce-type": et.type_for(service),
        "ce-dataschema": et.schema_uri(service),
        "ce-specversion": sample.specversion,
        "ce-datacontenttype": sample.datacontenttype,
    }
    props: dict[str, dict] = {}
    for f in fields(Envelope):
        if f.name == "data":
            continue
        zh, en = HEADER_TEXT.get(f.name, (f"CloudEvents 属性 {f.name}", f"CloudEvents attribute {f.name}"))
        props[f"ce-{f.name}"] = {"type": "string", "description": f"{zh}。 {en}."}
    for name, value in fixed.items():
        props[name]["const"] = value
    props["ce-sequence"]["pattern"] = "^[0-9]+$"
    props["content-type"] = {
        "type": "string",
        "const": sample.datacontenttype,
        "description": "载荷格式 payload media type",
    }
    props["Nats-Msg-Id"] = {
        "type": "string",
        "description": "等于 ce-id：JetStream 据此去重。 Equals ce-id: JetStream de-duplicates on it.",
    }
    return {
        "type": "object",
        "description": "CloudEvents 1.0 属性（NATS 二进制模式，非 ASCII 值百分号编码）。 CloudEvents attributes (NATS binary mode).",
        "properties": props,
        "required": sorted(sample.headers()),
    }


def examples_of(spec) -> dict[str, dict]:
    """The service's Chinese example payloads, keyed ``<event>.v<version>`` (``<package>/examples.py``)."""
    package = spec.application.__module__.rpartition(".")[0]
    try:
        return importlib.import_module(f"{package}.examples").EXAMPLES
    except ModuleNotFoundError:
        return {}


def message_key(et: EventType) -> str:
    return f"{et.name}.v{et.version}"


def message(service: str, et: EventType, example: dict | None) -> dict:
    deprecation = getattr(et, "deprecation", None)
    sample = example_envelope(service, et, example or {})
    note = (
        f"\n\n已弃用 Deprecated: 自 since {deprecation.since}，{deprecation.sunset} 后停止发布 (sunset)；"
        f"迁移说明 migration: {deprecation.migration}"
        if deprecation
        else ""
    )
    found: dict[str, Any] = {
        "name": et.type_for(service),
        "title": f"{et.title} v{et.version}",
        "summary": f"{et.title}（{service}.{et.name}，版本 v{et.version}） {service} {et.name}, version {et.version}",
        "description": f"载荷 JSON Schema 地址（即 ce-dataschema）Payload schema (ce-dataschema): {et.schema_uri(service)}{note}",
        "contentType": "application/json",
        "headers": headers_schema(service, et, sample),
        "payload": {"title": et.title, **et.schema, **({"deprecated": True} if deprecation else {})},
        "correlationId": {
            "description": "关联 ID：同一业务操作引起的事件相同。 Correlation id of one business operation.",
            "location": "$message.header#/ce-correlationid",
        },
        "externalDocs": {"description": "JSON Schema", "url": et.schema_uri(service)},
    }
    if example is not None:
        found["examples"] = [
            {
                "name": f"{et.name}-example",
                "summary": f"{et.title}示例",
                "headers": sample.headers(),
                "payload": example,
            }
        ]
    return found


def service_parts(spec) -> dict:
    """The channels, operations and messages of one service's published events."""
    service, examples = spec.name, examples_of(spec)
    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    for et in spec.contract.types:
        token = getattr(et, "token", et.name)
        channel_id, message_id = f"{service}.{token}", f"{service}.{message_key(et)}"
        address = ".".join(
            [ROOT, service, token, *(f"{{{p}}}" for p in (*LOCAL_PARAMETERS, *VERTICAL_PARAMETERS, "org"))]
        )
        channel = channels.setdefault(
            channel_id,
            {
                "address": address,
                "title": f"{et.title}（{token}）",
                "description": f"{spec.title}服务发布的「{et.title}」事件。 {service} publishes `{token}` here. "
                f"全部 all: `{ROOT}.{service}.{token}.>`",
                "parameters": parameters(),
                "messages": {},
            },
        )
        channel["messages"][message_key(et)] = {"$ref": f"#/components/messages/{message_id}"}
        messages[message_id] = message(service, et, examples.get(message_key(et)))
        operations[f"{channel_id}.publish"] = {
            "action": "send",
            "title": f"发布{et.title}",
            "summary": f"{service} 发布 publishes {token}",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{k}"} for k in channel["messages"]],
        }
    return {"channels": channels, "operations": operations, "messages": messages}


def asyncapi_document(specs, nats_url: str, secured: bool = False, title: str | None = None) -> dict:
    """The AsyncAPI 3.0.0 document of these services' public channels (one service: its own contract)."""
    specs = list(specs)
    channels: dict = {}
    operations: dict = {}
    messages: dict = {}
    for spec in specs:
        parts = service_parts(spec)
        channels |= parts["channels"]
        operations |= parts["operations"]
        messages |= parts["messages"]
    versions = [et.version for spec in specs for et in spec.contract.types] or [1]
    one = specs[0] if len(specs) == 1 else None
    components: dict[str, Any] = {"messages": messages}
    if secured:
        components["securitySchemes"] = {
            "natsUser": {
                "type": "userPassword",
                "description": "NATS 用户名和密码（按范围授权）。 NATS user and password.",
            }
        }
    return {
        "asyncapi": "3.0.0",
        "id": f"urn:cn:cxzy:{one.name if one else 'events'}",
        "info": {
            "title": title
            or (f"cxzy {one.name} {one.title} — 公开事件 public events" if one else "cxzy 公开事件 public events"),
            "version": f"{max(versions)}.0.0",
            "description": subject_guide(
                *((one.name, getattr(one.contract.types[0], "token", one.contract.types[0].name)) if one else ())
            ),
            "tags": [{"name": spec.name, "description": spec.title} for spec in specs],
        },
        "defaultContentType": "application/json",
        "servers": servers(nats_url, secured),
        "channels": channels,
        "operations": operations,
        "components": components,
    }
