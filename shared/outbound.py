"""The outbound channel of notices 消息 (issue 13): a webhook (a government messaging gateway) and/or SMTP.

A worker duty per service (held by lease like the relay) reads ``cxzy_notices`` rows not yet delivered and
carries each at least once: the webhook gets a JSON POST with the notice id as ``Idempotency-Key``, SMTP a
mail whose ``Message-ID`` is made from the notice id, so a receiver drops a repeat. A failure is retried
with a doubling back-off; ``delivered_at`` is set once every configured channel took it.

Accounts carry no e-mail addresses: SMTP mails go to ``CXZY_NOTIFY_SMTP_TO``, an address template of the
recipient (``{kind}`` member/org/scope, ``{id}``), which the organisation's mail gateway maps to a person.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import smtplib
from email.message import EmailMessage
from typing import Any

import httpx

from .db import Database
from .logging import log
from .settings import Settings

BATCH = 50
MAX_BACKOFF_S = 3600.0


def configured(settings: Settings) -> bool:
    return bool(settings.notify_webhook or settings.notify_smtp)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def payload(service: str, row: dict, settings: Settings) -> dict[str, Any]:
    """What the gateway receives: ids and a sentence, never a name (pages and gateways look names up)."""
    return {
        "id": row["id"],
        "service": service,
        "type": row["event_type"],
        "recipient": row["recipient"],
        "text": row["text"],
        "url": settings.public_base_url + row["href"] if row["href"] else None,
        "about": row["about"],
        "org_id": row["org_id"],
        "created_at": row["created_at"],
    }


def mail_address(template: str, recipient: str) -> str:
    kind, _, ident = recipient.partition(":")
    return template.format(kind=kind, id=ident.replace(":", "-").replace("/", "-").replace("*", "all"))


def mail(service: str, row: dict, settings: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.notify_smtp_from
    msg["To"] = mail_address(settings.notify_smtp_to, row["recipient"])
    msg["Subject"] = "创先争优消息：" + row["text"][:40]
    msg["Message-ID"] = f"<{row['id']}@cxzy.{service}>"
    link = payload(service, row, settings)["url"]
    msg.set_content(row["text"] + (f"\n\n请登录工作台办理：{link}" if link else ""))
    return msg


def send_mail(settings: Settings, message: EmailMessage) -> None:
    host, _, port = str(settings.notify_smtp).rpartition(":")
    with smtplib.SMTP(host or "127.0.0.1", int(port or 25), timeout=10) as smtp:
        smtp.send_message(message)


class Outbound:
    """Delivers one service's undelivered notices; ``run`` is the worker duty."""

    def __init__(self, service: str, db: Database, settings: Settings):
        self.service = service
        self.db = db
        self.settings = settings

    def due(self) -> list[dict]:
        return self.db.query(
            "SELECT * FROM cxzy_notices WHERE delivered_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            "ORDER BY created_at, id LIMIT ?",
            [_now().isoformat(), BATCH],
        )

    async def send(self, row: dict, client: httpx.AsyncClient) -> None:
        if self.settings.notify_webhook:
            response = await client.post(
                self.settings.notify_webhook,
                json=payload(self.service, row, self.settings),
                headers={"Idempotency-Key": row["id"]},
            )
            response.raise_for_status()
        if self.settings.notify_smtp:
            await asyncio.to_thread(send_mail, self.settings, mail(self.service, row, self.settings))

    def _delivered(self, notice_id: str) -> None:
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE cxzy_notices SET delivered_at = ?, last_error = NULL WHERE id = ?",
                [_now().isoformat(), notice_id],
            )

    def _failed(self, row: dict, error: str) -> None:
        attempts = int(row["attempts"]) + 1
        retry = _now() + dt.timedelta(seconds=min(self.settings.notify_retry_s * 2 ** (attempts - 1), MAX_BACKOFF_S))
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE cxzy_notices SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                [attempts, retry.isoformat(), error[:500], row["id"]],
            )

    async def deliver_once(self) -> int:
        """One round: every due notice tried once; the number delivered."""
        rows = await asyncio.to_thread(self.due)
        delivered = 0
        async with httpx.AsyncClient(timeout=10) as client:
            for row in rows:
                try:
                    await self.send(row, client)
                except Exception as exc:  # noqa: BLE001 — a gateway down: back off, try again later
                    log("outbound").warning("notice not delivered", notice=row["id"], error=repr(exc))
                    await asyncio.to_thread(self._failed, row, repr(exc))
                    continue
                await asyncio.to_thread(self._delivered, row["id"])
                delivered += 1
        return delivered

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.deliver_once()
            except Exception as exc:  # noqa: BLE001 — the store away for a moment: go on
                log("outbound").error("delivery round failed", service=self.service, error=repr(exc))
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.notify_poll_s)
            except TimeoutError:
                pass
