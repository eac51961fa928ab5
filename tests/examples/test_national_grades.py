"""The downstream example (examples/national_grades) against a real grading service, a real nats-server and a real
PostgreSQL: 定级确定 published by the grading API reach the example's own table exactly once although its consumer
crashes between a commit and the ack (the message is redelivered), is killed and restarted, and is handed a
republished copy of an event (same ce-id, new Nats-Msg-Id)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nats
import psycopg
import pytest

from services import spec

from ..grading.conftest import GRADING_DIRECTORY
from ..grading.schemes import make_scheme, points
from ..stack import PG_ADMIN_DSN, FreshPostgres, Stack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "national_grades"
SCOPE = "local:13/1301/130102"
GRADING_SPECS = spec("grading").contract.types
ORGS = {"VIL1": 0.95, "VIL3": 0.7, "WIN1": 0.5, "VIL4": 0.9, "VIL5": 0.65}

if not PG_ADMIN_DSN:
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError("CI=true needs CXZY_TEST_POSTGRES_DSN: the example's table is PostgreSQL")
    pytest.skip("the national grades example needs PostgreSQL (CXZY_TEST_POSTGRES_DSN)", allow_module_level=True)


class Consumer:
    """``python -m national_grades`` run from the example's folder, as a downstream team runs it."""

    def __init__(self, tmp: Path, nats_url: str, dsn: str) -> None:
        self.tmp, self.runs = tmp, 0
        self.env = {
            **os.environ,
            "PYTHONPATH": str(EXAMPLE),
            "NATIONAL_GRADES_NATS_URL": nats_url,
            "NATIONAL_GRADES_DSN": dsn,
            "NATIONAL_GRADES_ACK_WAIT_S": "2",
        }
        self.proc: subprocess.Popen | None = None

    def start(self, **env: str) -> None:
        self.runs += 1
        self.log = self.tmp / f"consumer-{self.runs}.log"
        extra = {f"NATIONAL_GRADES_{k.upper()}": v for k, v in env.items()}
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "national_grades"],
                cwd=EXAMPLE,
                env={**self.env, **extra},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    async def exited(self, timeout: float) -> int:
        assert self.proc is not None
        await until(lambda: self.proc.poll() is not None, "the consumer to exit", timeout)
        return self.proc.returncode

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


async def until(check, what: str, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


class Grading:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.dept = stack.token("org_admin", "dept-130102", [SCOPE])
        self.county = stack.token("superior", "county-130102", [SCOPE])

    async def post(self, path: str, body: dict, who: dict, status: int = 200) -> dict:
        r = await self.stack.http.post(f"/api/grading{path}", json=body, headers=who)
        assert r.status_code == status, r.text
        return r.json()

    async def deploy(self) -> str:
        scheme = make_scheme("2025.1", mass=False)
        body = {
            "year": 2025,
            "scope": SCOPE,
            "issuer_org_id": "P130102",
            "schemes": {"农村": scheme, "窗口单位": scheme},
        }
        return (await self.post("/cycles", body, self.dept, 201))["cycle_id"]

    async def determine(self, cycle_id: str, org_id: str, share: float) -> dict:
        """自评, 上级评定 and 定级确定 of one org, every sub-item at ``share`` of its max (no 群众评议 item)."""
        base = f"/cycles/{cycle_id}/orgs/{org_id}"
        items = {**points(share), "7.1": round(15 * share, 2)}
        await self.post(f"{base}/self-assessment", {"items": items, "evidence": {}}, self.stack.secretary(org_id))
        await self.post(f"{base}/superior-assessment", {"items": items, "comment": "经实地核查"}, self.county)
        return await self.post(f"{base}/determination", {}, self.county)


def table(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchall()


async def test_each_determination_lands_once_across_crash_redelivery_kill_and_restart(tmp_path):
    downstream = FreshPostgres()  # the downstream team's own database
    stack = await Stack(tmp_path, "sqlite", services=("grading",), directory=GRADING_DIRECTORY).start()
    consumer = Consumer(tmp_path, stack.nats.url, downstream.dsn)
    nc = await nats.connect(stack.nats.url)
    js = nc.jetstream()
    try:
        grading = Grading(stack)
        cycle = await grading.deploy()
        expected = {}
        for org in ("VIL1", "VIL3", "WIN1"):
            expected[org] = await grading.determine(cycle, org, ORGS[org])
        await stack.settle()

        def rows() -> int:
            return table(downstream.dsn, "SELECT count(*) FROM national_grades.grades")[0][0]

        async def drained() -> bool:
            info = await js.consumer_info("CXZY_GRADING", "national_grades")
            return info.num_pending == 0 and info.num_ack_pending == 0

        # 1. the first run commits two determinations and dies before acknowledging the second
        consumer.start(crash_before_ack="2")
        assert await consumer.exited(60) == 3, consumer.output()
        assert rows() == 2
        crashed_on = table(downstream.dsn, "SELECT event_id FROM national_grades.processed_events")

        # 2. more determinations while it is down; the restarted consumer gets the unacknowledged one again
        for org in ("VIL4", "VIL5"):
            expected[org] = await grading.determine(cycle, org, ORGS[org])
        await stack.settle()
        consumer.start()
        await until(lambda: rows() == 5, "five rows")
        await until(drained, "every message acknowledged")
        redelivered = [eid for (eid,) in crashed_on if f"duplicate {eid} skipped" in consumer.output()]
        assert len(redelivered) == 1, consumer.output()

        # 3. a copy of a published event (as a relay republishing after its duplicate window would send it)
        copy = await first_determined(js)
        headers = {**copy.headers, "Nats-Msg-Id": f"{copy.headers['ce-id']}-again"}
        await js.publish(copy.subject, copy.data, headers=headers)
        await until(lambda: f"duplicate {copy.headers['ce-id']} skipped" in consumer.output(), "the copy skipped")
        await until(drained, "the copy acknowledged")

        # 4. killed and restarted: nothing is applied twice, nothing is left pending
        consumer.kill()
        consumer.start()
        await until(lambda: "started" in consumer.output().lower(), "the restarted consumer")
        await asyncio.sleep(3)  # longer than ack_wait: anything unacknowledged would be back by now
        await until(drained, "nothing pending after the restart")

        got = table(
            downstream.dsn,
            "SELECT org_id, year, grade, score::float, determinations, local_path FROM national_grades.grades",
        )
        assert {(o, y, g, s, n) for o, y, g, s, n, _ in got} == {
            (org, 2025, d["grade"], d["score"], 1) for org, d in expected.items()
        }
        assert all(path.startswith("13/1301/130102") for *_, path in got)
        assert table(downstream.dsn, "SELECT count(*) FROM national_grades.processed_events")[0][0] == 5
        assert "recorded" not in consumer.output()  # the last run had nothing new to apply
    finally:
        if consumer.proc and consumer.proc.poll() is None:
            consumer.kill()
        await nc.close()
        await stack.stop()
        downstream.drop()


async def first_determined(js):
    """The first 定级确定 v1 in grading's stream, as stored (headers and payload)."""
    seq = 1
    while True:
        msg = await js.get_msg("CXZY_GRADING", seq)
        if msg.subject.split(".")[2] == "determined":
            return msg
        seq += 1


def test_the_copied_header_decoding_reads_the_kernels_percent_encoded_headers():
    """The example decodes ce-* headers without cxzy's code; what it reads is what the kernel wrote, non-ASCII too."""
    from shared.asyncapi import example_envelope
    from shared.envelope import Envelope

    sys.path.insert(0, str(EXAMPLE))
    try:
        from national_grades.cloudevents import decode
        from national_grades.table import row_of
    finally:
        sys.path.remove(str(EXAMPLE))
    grading = next(s for s in GRADING_SPECS if s.name == "determined" and s.version == 1)
    env = example_envelope("grading", grading, {"grade": "先进"})
    env = Envelope(**{**env.attributes(), "verticalpath": "税务/13", "subject": "定级 2025"})
    headers = env.headers()
    assert "%E7%A8%8E" in headers["ce-verticalpath"]  # percent-encoded, upper-case hex
    event = decode(headers, env.payload())
    assert event.attributes["verticalpath"] == "税务/13" and event.attributes["subject"] == "定级 2025"
    assert event.id == env.id and event.sequence == env.sequence and event.data == {"grade": "先进"}
    with pytest.raises(ValueError):
        decode({"content-type": "application/json"}, b"{}")
    v2 = {"org_id": "O1", "year": 2025, "score": 88.0, "cycle_id": "c"}
    v2["grade"] = {
        "label": "先进",
        "rank": 0,
        "rungs": 3,
        "ladder": ["先进", "一般", "后进"],
        "top": True,
        "bottom": False,
    }
    assert row_of(decode(headers, json.dumps(v2).encode()))["grade"] == "先进"
