"""The consumer: a FastStream app with a JetStream durable PULL consumer on the 定级确定 subject.

Each message: decode the CloudEvent (``cloudevents.py``), apply it in one PostgreSQL transaction keyed by its
``ce-id`` (``table.py``), and only then acknowledge it (``AckPolicy.MANUAL``). Settings are environment variables
(``NATIONAL_GRADES_*``, see :class:`Settings`)."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field

import psycopg
from faststream import AckPolicy, FastStream
from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage

from . import table
from .cloudevents import decode

log = logging.getLogger("national_grades")


def _env(name: str, default: str) -> str:
    return os.environ.get(f"NATIONAL_GRADES_{name}", default)


@dataclass(frozen=True)
class Settings:
    nats_url: str = field(default_factory=lambda: _env("NATS_URL", "nats://127.0.0.1:4222"))  # comma-separated
    nats_user: str = field(default_factory=lambda: _env("NATS_USER", ""))
    nats_password: str = field(default_factory=lambda: _env("NATS_PASSWORD", ""))
    dsn: str = field(default_factory=lambda: _env("DSN", "postgresql://postgres@127.0.0.1:5432/national_grades"))
    # the whole country; a province would be cxzy.grading.determined.13.>, a city cxzy.grading.determined.13.1301.>
    subject: str = field(default_factory=lambda: _env("SUBJECT", "cxzy.grading.determined.>"))
    stream: str = field(default_factory=lambda: _env("STREAM", "CXZY_GRADING"))
    durable: str = field(default_factory=lambda: _env("DURABLE", "national_grades"))
    ack_wait_s: float = field(default_factory=lambda: float(_env("ACK_WAIT_S", "30")))
    # crash drill: exit right after the N-th commit, before its ack (the redelivery a test and an operator rehearse)
    crash_before_ack: int = field(default_factory=lambda: int(_env("CRASH_BEFORE_ACK", "0")))


def build(settings: Settings | None = None) -> FastStream:
    settings = settings or Settings()
    auth = {"user": settings.nats_user, "password": settings.nats_password} if settings.nats_user else {}
    broker = NatsBroker([u.strip() for u in settings.nats_url.split(",") if u.strip()], **auth)
    conn = psycopg.connect(settings.dsn, autocommit=True)  # transactions are explicit (table.record)
    table.create(conn)
    committed = 0
    one_at_a_time = asyncio.Lock()  # FastStream hands over a pulled batch concurrently; the connection takes one

    @broker.subscriber(
        settings.subject,
        stream=JStream(settings.stream, declare=False),  # cxzy owns the stream; we only add our consumer
        durable=settings.durable,
        pull_sub=PullSub(batch_size=50, timeout=2.0),
        ack_policy=AckPolicy.MANUAL,
        config=ConsumerConfig(ack_wait=settings.ack_wait_s),
    )
    async def on_determined(msg: NatsMessage) -> None:
        nonlocal committed
        async with one_at_a_time:
            try:
                event = decode(msg.headers, msg.body)
                applied = await asyncio.to_thread(table.record, conn, event)
            except (KeyError, TypeError, ValueError) as exc:  # not a 定级确定 we understand: set it aside
                log.error("unreadable message on %s: %s", msg.raw_message.subject, exc)
                await msg.reject()
                return
            # a database error propagates: no ack, so JetStream delivers the message again after ack_wait
            if applied:
                committed += 1
                log.info("recorded %s %s %s", event.id, event.data.get("org_id"), event.data.get("year"))
            else:
                log.info("duplicate %s skipped", event.id)
            if settings.crash_before_ack and committed == settings.crash_before_ack:
                log.warning("crash drill: exiting after commit %s, before its ack", committed)
                os._exit(3)
            await msg.ack()

    app = FastStream(broker)

    @app.after_shutdown
    async def close_table() -> None:
        conn.close()

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(build().run())
