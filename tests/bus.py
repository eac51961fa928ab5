"""Playing another service's part on the real bus: publish its integration events exactly as its published
contract says (validated against that service's own ``contract.py``), chained and enveloped by the kernel.
Tests of one service use it to receive the events of the services it follows."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

import jsonschema

from shared.contract import schema_url
from shared.envelope import GENESIS, Envelope
from shared.nats_io import ensure_stream
from shared.scope import subject


def contract_schema(service: str, event: str) -> dict:
    contract = importlib.import_module(f"services.{service}.contract").CONTRACT
    return next(t.schema for t in contract.types if t.name == event)


class PeerBus:
    def __init__(self, rt) -> None:
        self.rt = rt  # the runtime under test: its connection and directory replica are used
        self.hashes: dict[str, str] = {}
        self.sequences: dict[str, int] = {}

    async def publish(self, service: str, event: str, org_id: str, aggregate_id: str, data: dict) -> str:
        jsonschema.validate(data, contract_schema(service, event))
        position = self.rt.directory.position(org_id)
        await ensure_stream(self.rt.js, service, self.rt.settings)
        self.sequences[service] = self.sequences.get(service, 0) + 1
        event_id = str(uuid.uuid4())
        env = Envelope(
            id=event_id,
            source=f"/cxzy/{service}",
            type=f"cn.cxzy.{service}.{event}.v1",
            subject=aggregate_id,
            time=dt.datetime.now(dt.UTC).isoformat(),
            dataschema=schema_url(service, event, 1),
            orgid=org_id,
            localpath=position.local_path,
            verticalpath=position.vertical_path,
            correlationid=event_id,
            causationid=event_id,
            sequence=self.sequences[service],
            data=data,
        ).chained(self.hashes.get(service, GENESIS))
        self.hashes[service] = env.hash
        ack = await self.rt.js.publish(subject(service, event, position), env.payload(), headers=env.headers())
        assert ack.stream == f"CXZY_{service.upper()}"
        return event_id

    async def evaluated(
        self, org_id: str, subject_type: str, subject_id: str, purpose: str, year: int, score: float, grade: str
    ) -> str:
        """评议完成 (E6) as the evaluations service publishes it; returns the round id."""
        round_id = str(uuid.uuid4())
        await self.publish(
            "evaluations",
            "completed",
            org_id,
            round_id,
            {
                "round_id": round_id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "purpose": purpose,
                "year": year,
                "score": score,
                "grade": grade,
                "participation": {"eligible": 40, "participated": 36, "rate": 0.9},
                "modes": {
                    "mass": {"weight": 0.7, "score": score, "count": 30},
                    "peer": {"weight": 0.3, "score": score, "count": 6},
                },
                "published": True,
            },
        )
        return round_id
