"""Publishing 评议完成 (``cn.cxzy.evaluations.completed.v1``) onto the real nats-server, as the evaluations
service will: a chained CloudEvent built with the kernel's Envelope, on the subject of the evaluated org."""

import datetime as dt
import uuid

import jsonschema

from shared.contract import BOOL, INT, NUM, STR, obj
from shared.envelope import GENESIS, SCHEMA_BASE, Envelope
from shared.nats_io import ensure_stream
from shared.scope import subject

# the fixed cross-service contract of 评议完成 v1, as grading relies on it
COMPLETED_V1 = obj({
    "round_id": STR, "subject_type": {"enum": ["pledge", "member", "org", "window"]}, "subject_id": STR,
    "purpose": {"enum": ["pledge", "democratic", "org_mass", "window", "general"]}, "year": INT,
    "score": {"type": "number", "minimum": 0, "maximum": 100}, "grade": STR,
    "participation": obj({"eligible": INT, "participated": INT, "rate": NUM}),
    "modes": {"type": "object", "additionalProperties": obj({"weight": NUM, "score": NUM, "count": INT})},
    "published": BOOL})


class EvaluationsFeed:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.sequence = 0
        self.last_hash = GENESIS

    async def completed(self, org_id: str, year: int, score: float, *, purpose: str = "org_mass",
                        subject_type: str = "org", subject_id: str | None = None) -> str:
        rt = self.stack["grading"]
        await ensure_stream(rt.js, "evaluations", rt.settings)
        position = rt.directory.position(org_id)
        round_id = str(uuid.uuid4())
        self.sequence += 1
        event_id = str(uuid.uuid4())
        env = Envelope(
            id=event_id, source="/cxzy/evaluations", type="cn.cxzy.evaluations.completed.v1", subject=round_id,
            time=dt.datetime.now(dt.UTC).isoformat(), dataschema=f"{SCHEMA_BASE}/evaluations/completed.v1.json",
            orgid=org_id, localpath=position.local_path, verticalpath=position.vertical_path,
            correlationid=event_id, causationid=event_id, sequence=self.sequence,
            data={"round_id": round_id, "subject_type": subject_type, "subject_id": subject_id or org_id,
                  "purpose": purpose, "year": year, "score": score, "grade": "满意" if score >= 80 else "基本满意",
                  "participation": {"eligible": 40, "participated": 36, "rate": 0.9},
                  "modes": {"mass": {"weight": 0.7, "score": score, "count": 30},
                            "peer": {"weight": 0.3, "score": score, "count": 6}}, "published": True},
        ).chained(self.last_hash)
        jsonschema.validate(env.data, COMPLETED_V1)
        self.last_hash = env.hash
        ack = await rt.js.publish(subject("evaluations", "completed", position), env.payload(), headers=env.headers())
        assert ack.stream == "CXZY_EVALUATIONS"
        return round_id
