"""Configuration from environment variables (prefix ``CXZY_``) and an optional ``.env`` file.

The README's configuration table is generated from this class's field descriptions
(``cxzy settings``), so this is the one place a setting is defined.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RATE_LIMITS = {  # name: (requests, window in seconds); what each counts: the rate_limits setting below
    "ballot": (30, 60.0),
    "vote": (10, 600.0),
    "objection": (5, 3600.0),
    "login": (10, 300.0),
}


def parse_rate_limits(spec: str) -> dict[str, tuple[int, float]]:
    """``"objection=10/3600,ballot=60/60"`` → the limits it names; ValueError saying which part is wrong."""
    limits: dict[str, tuple[int, float]] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, _, rest = part.partition("=")
        count, _, window = rest.partition("/")
        try:
            limit, window_s = int(count), float(window)
        except ValueError:
            limit = window_s = 0
        if name.strip() not in RATE_LIMITS or limit < 1 or not window_s > 0:
            raise ValueError(
                f"rate limit {part!r}: write name=requests/seconds with a name of {', '.join(RATE_LIMITS)}, "
                "a whole number of requests ≥ 1 and a window > 0 seconds (e.g. objection=5/3600)"
            )
        limits[name.strip()] = (limit, window_s)
    return limits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CXZY_", env_file=".env", extra="ignore")

    var_dir: Path = Field(Path("var"), description="Where SQLite stores, the embedded NATS store and logs live")
    store: Literal["sqlite", "postgres"] = Field("sqlite", description="Write and read model store")
    postgres_dsn: str = Field(
        "postgresql://postgres@127.0.0.1:5432/cxzy",
        description="PostgreSQL database (one schema per service) when store=postgres",
    )
    nats_url: str = Field(
        "nats://127.0.0.1:4222", description="NATS server; `cxzy up` starts its own and overrides this"
    )
    nats_user: str | None = Field(None, description="NATS user (with nats_password) when the server requires auth")
    nats_password: str | None = Field(None, description="NATS password")
    services: str = Field(
        "pledges,evaluations,grading,awards,branches", description="Services `cxzy up` hosts (comma-separated)"
    )
    public_url: str | None = Field(
        None,
        description="The site's address as users and subscribers reach it (default http://<http_host>:<http_port>); "
        "events name their JSON Schema under it (ce-dataschema), so set it once before the first event",
    )
    http_host: str = Field("127.0.0.1", description="HTTP bind address")
    http_port: int = Field(8000, description="HTTP port")
    embedded_nats_port: int = Field(4333, description="Port of the nats-server that `cxzy up` starts")
    stream_replicas: int = Field(1, description="JetStream replicas for the event streams (3 in a production cluster)")
    duplicate_window_s: float = Field(86400.0, description="JetStream duplicate window (≥ the relay's retry horizon)")
    relay_batch: int = Field(500, description="Events the relay reads from the notification log per round")
    relay_poll_s: float = Field(0.2, description="Relay poll interval when not nudged by a command")
    lease_ttl_s: float = Field(
        3.0, description="Lease TTL of a worker's duties (relay, projections, jobs); failover within TTL + TTL/3"
    )
    projection_batch: int = Field(200, description="Messages a projection fetches per pull")
    projection_max_deliver: int = Field(
        5, description="Attempts at a failing event before it is parked for an operator (cxzy_parked)"
    )
    scheduler_interval_s: float = Field(60.0, description="How often schedulers (督促 reminders, round closing) run")
    reminder_interval_days: int = Field(7, description="Minimum days between two 督促 reminders of one pledge")
    jwt_keys: str = Field(
        "dev:cxzy-development-key-change-me-please-32b",
        description="Signing keys `kid:secret,kid:secret`; the first signs, all verify (rotation)",
    )
    jwt_ttl_s: int = Field(8 * 3600, description="Lifetime of issued tokens")
    session_ttl_s: int = Field(8 * 3600, description="Lifetime of a workspace (工作台) login session")
    oidc_issuer: str | None = Field(
        None,
        description="Single sign-on: the organisation's OpenID Connect issuer URL; set it (with the client id and "
        "secret) and the workspace's login page offers 统一身份认证",
    )
    oidc_client_id: str | None = Field(None, description="Single sign-on: this site's client id at the issuer")
    oidc_client_secret: str | None = Field(None, description="Single sign-on: this site's client secret")
    oidc_username_claim: str = Field(
        "preferred_username", description="Single sign-on: the ID-token claim that names the workspace account"
    )
    cookie_secure: bool = Field(
        False, description="Mark the workspace's cookies Secure (set it when the site is served over HTTPS)"
    )
    audit_every: int = Field(
        1000, description="Events per signed audit checkpoint (Merkle root) on cxzy.audit.<service>"
    )
    audit_key_file: Path | None = Field(
        None,
        description="The private key file (`cxzy audit keygen`) that signs the audit checkpoints (C2SP signed "
        "notes); unset = the development key, refused outside development mode",
    )
    dev_mode: bool = Field(
        False,
        description="Development mode: allow the development audit and JWT keys (`cxzy up` and the tests set it; "
        "`cxzy serve` refuses to start with them otherwise)",
    )
    rate_limits: str = Field(
        ",".join(f"{name}={n}/{w:g}" for name, (n, w) in RATE_LIMITS.items()),
        description="Limits of the anonymous public endpoints, `name=requests/seconds,…` (names left out keep "
        "their default), shared by all processes through the store: ballot = rating forms (each issues a "
        "ballot) per client address, vote = votes per device, objection = 公示 objections per client address, login = workspace login attempts "
        "per client address",
    )
    notify_webhook: str | None = Field(
        None,
        description="Outbound channel of notices 消息 (督促, returned pledges, rounds to rate, nominations): a URL "
        "(e.g. the government messaging gateway) each notice is POSTed to as JSON, with its id as Idempotency-Key",
    )
    notify_smtp: str | None = Field(
        None, description="Outbound channel of notices by e-mail: the SMTP server as host:port (no TLS, no login)"
    )
    notify_smtp_from: str = Field("cxzy@localhost", description="Sender address of notice e-mails")
    notify_smtp_to: str = Field(
        "{kind}.{id}@localhost",
        description="Address of a notice's recipient for the mail gateway: {kind} is member, org or scope, {id} "
        "its id (accounts carry no e-mail addresses)",
    )
    notify_poll_s: float = Field(1.0, description="How often the outbound channel looks for undelivered notices")
    notify_retry_s: float = Field(
        2.0, description="First wait before a notice that could not be delivered is tried again (doubling, ≤ 1 h)"
    )
    log_format: Literal["auto", "json", "console"] = Field("auto", description="Log renderer; auto = console on a TTY")
    log_level: str = Field("INFO", description="Log level")

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits_parse(cls, spec: str) -> str:
        parse_rate_limits(spec)
        return spec

    def rate_limit(self, name: str) -> tuple[int, float]:
        """(requests, window in seconds) of the limit ``name``: ``CXZY_RATE_LIMITS``, else its default."""
        return parse_rate_limits(self.rate_limits).get(name) or RATE_LIMITS[name]

    @property
    def public_base_url(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    def as_env(self) -> dict[str, str]:
        """These settings as ``CXZY_*`` variables: what a process started from this one must be given."""
        return {f"CXZY_{k.upper()}": str(v) for k, v in self.model_dump().items() if v is not None}

    def sqlite_path(self, service: str, kind: str) -> Path:
        path = self.var_dir / service / f"{kind}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache
def get_settings() -> Settings:
    return Settings()
