"""NATS enforces the same boundary as the API (issue 6, docs/ARCHITECTURE.md "NATS facts that bite").

From the directory, :func:`plan` derives one user per supervising committee — every 党委 supervises
its subtree in its leading hierarchy (local for modes a/b, vertical for c) — plus downstream users,
one user per service and an admin. :func:`server_config` renders a nats-server config (JSON is valid
NATS config) in which

- a service may publish only its own subjects (and use the JetStream API);
- a scoped reader may subscribe only to its scope's subjects and its own inbox prefix, and on the
  JetStream API only fetch from, ack and inspect its own pre-created durable consumers (one per
  stream, with the scope's single filter subject) — it cannot create consumers or read streams directly.

:func:`ensure_scope_consumers` pre-creates those consumers (run by an operator with the admin user).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nats.js import api
from nats.js.errors import NotFoundError

from services import EVENT_SOURCES

from .directory.domain import leading_hierarchy
from .lease import BUCKET as LEASES
from .nats_io import nudge_subject, stream_name
from .scope import Scope, audit_subject, service_subjects


@dataclass
class NatsUser:
    user: str
    password: str
    kind: str  # service | supervisor | downstream | admin
    scope: str | None = None
    service: str | None = None
    durable: str | None = None
    inbox_prefix: str | None = None
    permissions: dict = field(default_factory=dict)


def _user_name(scope: Scope, prefix: str) -> str:
    return f"{prefix}-{scope.hierarchy}-{'-'.join(scope.path) or 'all'}"


def supervisor_scopes(orgs: list[dict]) -> list[Scope]:
    scopes: dict[str, Scope] = {}
    for org in orgs:
        if org.get("type") != "党委":
            continue
        if leading_hierarchy(org.get("mode", "a")) == "vertical" and org.get("vertical_path"):
            scope = Scope.parse(f"vertical:{org['vertical_path']}")
        else:
            scope = Scope.parse(f"local:{org['local_path']}")
        scopes[str(scope)] = scope
    return sorted(scopes.values(), key=str)


def scoped_reader(name: str, scope: Scope, kind: str, services=EVENT_SOURCES) -> NatsUser:
    durable = f"scope_{name}".replace("-", "_")
    inbox = f"_INBOX_{name}"
    publish = []
    for svc in services:
        stream = stream_name(svc)
        publish += [
            f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
            f"$JS.ACK.{stream}.{durable}.>",
        ]
    subscribe = [f"{inbox}.>", *(scope.filter_subject(svc) for svc in services)]
    return NatsUser(
        name,
        secrets.token_urlsafe(18),
        kind,
        scope=str(scope),
        durable=durable,
        inbox_prefix=inbox,
        permissions={"publish": {"allow": publish}, "subscribe": {"allow": subscribe}},
    )


def service_user(service: str) -> NatsUser:
    return NatsUser(
        f"svc-{service}",
        secrets.token_urlsafe(18),
        "service",
        service=service,
        permissions={
            # its stream, the JetStream API (streams, consumers, the lease bucket), and the nudge an API
            # process sends the worker that holds the relay (issue 10)
            "publish": {
                "allow": [
                    service_subjects(service),
                    audit_subject(service),  # its signed checkpoints, on the audit stream
                    "$JS.API.>",
                    "$JS.ACK.>",
                    f"$KV.{LEASES}.>",
                    nudge_subject(service),
                    "_INBOX.>",
                ]
            },
            "subscribe": {"allow": ["_INBOX.>", "cxzy.>", nudge_subject(service)]},
        },
    )


def plan(orgs: list[dict], downstream: dict[str, str] | None = None) -> list[NatsUser]:
    users = [NatsUser("admin", secrets.token_urlsafe(18), "admin")]
    users += [service_user(s) for s in EVENT_SOURCES]
    users += [scoped_reader(_user_name(s, "sup"), s, "supervisor") for s in supervisor_scopes(orgs)]
    users += [
        scoped_reader(f"down-{name}", Scope.parse(scope), "downstream") for name, scope in (downstream or {}).items()
    ]
    return users


def server_config(users: list[NatsUser]) -> dict:
    rendered = []
    for u in users:
        entry: dict = {"user": u.user, "password": u.password}
        if u.permissions:
            entry["permissions"] = u.permissions
        rendered.append(entry)
    return {"accounts": {"CXZY": {"jetstream": "enabled", "users": rendered}}}


def write(out: Path, users: list[NatsUser]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    config = out / "nats-auth.conf"
    config.write_text(json.dumps(server_config(users), ensure_ascii=False, indent=2))
    creds = out / "users.json"
    creds.write_text(json.dumps([asdict(u) for u in users], ensure_ascii=False, indent=2))
    config.chmod(0o600)
    creds.chmod(0o600)
    return config, creds


def load_users(path: Path) -> list[NatsUser]:
    return [NatsUser(**u) for u in json.loads(Path(path).read_text())]


async def ensure_scope_consumers(js, users: list[NatsUser], services=EVENT_SOURCES) -> int:
    """Pre-create each scoped reader's durable pull consumer on every existing stream."""
    created = 0
    for u in users:
        if not u.durable or not u.scope:
            continue
        scope = Scope.parse(u.scope)
        for svc in services:
            try:
                await js.stream_info(stream_name(svc))
            except NotFoundError:
                continue
            await js.add_consumer(
                stream_name(svc),
                api.ConsumerConfig(
                    durable_name=u.durable,
                    filter_subject=scope.filter_subject(svc),
                    ack_policy=api.AckPolicy.EXPLICIT,
                    deliver_policy=api.DeliverPolicy.ALL,
                ),
            )
            created += 1
    return created
