"""The outbound channel of notices (issue 13), against a REAL HTTP receiver (the messaging gateway) and a REAL
SMTP server (aiosmtpd): each notice is carried at least once with its id as the idempotency key — the
webhook's ``Idempotency-Key``, the mail's ``Message-ID`` — retried after a failure, then marked delivered."""

from __future__ import annotations

import asyncio
import json
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from shared.nats_io import free_port, wait_until
from tests.stack import Stack, stores

ITEMS = [{"text": "汛期巡查河堤", "tags": ["带头服务群众"]}]


class Gateway(BaseHTTPRequestHandler):
    """A messaging gateway that is down for its first request, then takes every notice."""

    received: list[tuple[dict, dict]] = []
    fail_first = True

    def do_POST(self) -> None:  # noqa: N802 — http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((dict(self.headers), body))
        down = type(self).fail_first
        type(self).fail_first = False
        self.send_response(503 if down else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture(params=stores())
async def channels(request, tmp_path):
    gateway = ThreadingHTTPServer(("127.0.0.1", free_port()), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    stack = await Stack(
        tmp_path,
        request.param,
        notify_webhook=f"http://127.0.0.1:{gateway.server_port}/notify",
        notify_smtp=f"127.0.0.1:{smtp.port}",
        notify_smtp_from="cxzy@example.gov.cn",
        notify_smtp_to="{kind}.{id}@msg.example.gov.cn",
        notify_poll_s=0.1,
        notify_retry_s=0.3,
        public_url="https://cxzy.example.gov.cn",
    ).start()
    Gateway.received, Gateway.fail_first = [], True
    yield stack, mailbox
    await stack.stop()
    smtp.stop()
    gateway.shutdown()


async def test_a_returned_pledge_is_carried_by_webhook_and_mail(channels):
    stack, mailbox = channels
    body = {"org_id": "VIL1", "pledger_kind": "individual", "member_ids": ["M1"], "kind": "annual", "items": ITEMS}
    pid = (await stack.http.post("/api/pledges/pledges", json=body, headers=stack.member("M1", "VIL1"))).json()[
        "pledge_id"
    ]
    r = await stack.http.post(
        f"/api/pledges/pledges/{pid}/return", json={"reasons": "请写明巡查频次"}, headers=stack.secretary("VIL1")
    )
    assert r.status_code == 200, r.text
    await stack.settle()
    db = stack["pledges"].db

    async def delivered() -> bool:
        row = await asyncio.to_thread(db.one, "SELECT delivered_at FROM cxzy_notices")
        return bool(row and row["delivered_at"])

    await wait_until(delivered, timeout=15, interval=0.1)
    notice = db.one("SELECT * FROM cxzy_notices")
    assert notice["attempts"] == 1 and notice["last_error"] is None  # one failed try, then delivered

    # the gateway: refused once (503), then the same notice again under the same idempotency key
    assert len(Gateway.received) == 2
    keys = {headers["Idempotency-Key"] for headers, _ in Gateway.received}
    assert keys == {notice["id"]}
    sent = Gateway.received[-1][1]
    assert sent["recipient"] == "member:M1" and "请写明巡查频次" in sent["text"] and "张伟" not in json.dumps(sent)
    assert sent["url"] == "https://cxzy.example.gov.cn/ws/pledges" and sent["type"] == "returned"

    # the mail: once (the webhook failed before it was tried), addressed through the template, Message-ID the id
    assert len(mailbox.messages) == 1
    rcpt, mail = mailbox.messages[0]
    assert rcpt == ["member.M1@msg.example.gov.cn"] and mail["From"] == "cxzy@example.gov.cn"
    assert mail["Message-ID"] == f"<{notice['id']}@cxzy.pledges>"
    assert "请写明巡查频次" in mail.get_payload(decode=True).decode()

    await asyncio.sleep(0.5)  # delivered: never sent again
    assert len(Gateway.received) == 2 and len(mailbox.messages) == 1
