"""Publishes other services' CloudEvents onto the real nats-server, exactly as their fixed contracts say
(``grading.determined`` / ``rectification_*``, ``evaluations.completed``, ``pledges.proposed``): the grading
and evaluations services are being built in parallel, so the awards tests play their part on the bus."""

from __future__ import annotations

import datetime as dt
import uuid

import jsonschema

from services.pledges.contract import CONTRACT as PLEDGES
from shared.contract import BOOL, INT, NUM, STR, STRS, obj
from shared.envelope import GENESIS, SCHEMA_BASE, Envelope
from shared.nats_io import ensure_stream
from shared.scope import subject

NULL_OVERRIDE = {"type": ["object", "null"]}
CONTRACTS = {  # the cross-service contracts, as fixed for all teams
    ("grading", "determined"): obj({
        "cycle_id": STR, "org_id": STR, "year": INT, "grade": STR, "rank": INT, "ladder": STRS, "advanced": BOOL,
        "score": NUM, "scheme_hash": STR, "override": NULL_OVERRIDE}),
    ("grading", "rectification_planned"): obj({
        "org_id": STR, "cycle_id": STR, "year": INT, "track": {"enum": ["巩固", "推动", "整顿"]}, "problems": STRS,
        "measures": STRS}),
    ("grading", "rectification_accepted"): obj({
        "org_id": STR, "cycle_id": STR, "year": INT, "passed": BOOL, "comment": STR}),
    ("evaluations", "completed"): obj({
        "round_id": STR, "subject_type": {"enum": ["pledge", "member", "org", "window"]}, "subject_id": STR,
        "purpose": {"enum": ["pledge", "democratic", "org_mass", "window", "general"]}, "year": INT,
        "score": {"type": "number", "minimum": 0, "maximum": 100}, "grade": STR,
        "participation": obj({"eligible": INT, "participated": INT, "rate": NUM}), "modes": {"type": "object"},
        "published": BOOL}),
    ("pledges", "proposed"): PLEDGES.types[0].schema,
}
LADDER = ["先进", "一般", "后进"]


class Foreign:
    def __init__(self, stack) -> None:
        self.rt = stack["awards"]
        self.hashes: dict[str, str] = {}
        self.sequences: dict[str, int] = {}

    async def publish(self, service: str, event: str, org_id: str, aggregate_id: str, data: dict) -> None:
        jsonschema.validate(data, CONTRACTS[(service, event)])
        position = self.rt.directory.position(org_id)
        await ensure_stream(self.rt.js, service, self.rt.settings)
        self.sequences[service] = self.sequences.get(service, 0) + 1
        event_id = str(uuid.uuid4())
        env = Envelope(
            id=event_id, source=f"/cxzy/{service}", type=f"cn.cxzy.{service}.{event}.v1", subject=aggregate_id,
            time=dt.datetime.now(dt.UTC).isoformat(), dataschema=f"{SCHEMA_BASE}/{service}/{event}.v1.json",
            orgid=org_id, localpath=position.local_path, verticalpath=position.vertical_path, correlationid=event_id,
            causationid=event_id, sequence=self.sequences[service], data=data,
        ).chained(self.hashes.get(service, GENESIS))
        self.hashes[service] = env.hash
        await self.rt.js.publish(subject(service, event, position), env.payload(), headers=env.headers())

    async def graded(self, org_id: str, year: int, grade: str) -> None:
        """定级确定 (G4)."""
        await self.publish("grading", "determined", org_id, f"cycle-{year}:{org_id}", {
            "cycle_id": f"cycle-{year}", "org_id": org_id, "year": year, "grade": grade, "rank": LADDER.index(grade),
            "ladder": LADDER, "advanced": grade == LADDER[0], "score": 90.0 if grade == "先进" else 70.0,
            "scheme_hash": "h", "override": None})

    async def rectification(self, org_id: str, year: int, track: str) -> None:
        await self.publish("grading", "rectification_planned", org_id, f"cycle-{year}:{org_id}", {
            "org_id": org_id, "cycle_id": f"cycle-{year}", "year": year, "track": track, "problems": ["制度不落实"],
            "measures": ["建立三会一课台账"]})

    async def accepted(self, org_id: str, year: int, passed: bool) -> None:
        await self.publish("grading", "rectification_accepted", org_id, f"cycle-{year}:{org_id}", {
            "org_id": org_id, "cycle_id": f"cycle-{year}", "year": year, "passed": passed, "comment": "考核验收"})

    async def evaluated(self, org_id: str, subject_type: str, subject_id: str, purpose: str, year: int,
                        score: float, grade: str) -> None:
        """评议完成 (E6)."""
        round_id = str(uuid.uuid4())
        await self.publish("evaluations", "completed", org_id, round_id, {
            "round_id": round_id, "subject_type": subject_type, "subject_id": subject_id, "purpose": purpose,
            "year": year, "score": score, "grade": grade, "participation": {"eligible": 10, "participated": 9,
                                                                            "rate": 0.9},
            "modes": {"peer": {"weight": 1.0, "score": score, "count": 9}}, "published": True})

    async def pledged(self, org_id: str, member_id: str) -> str:
        pledge_id = str(uuid.uuid4())
        await self.publish("pledges", "proposed", org_id, pledge_id, {
            "pledger_kind": "individual", "member_ids": [member_id], "kind": "annual", "year": 2026,
            "items": [{"text": "带头服务群众", "tags": ["带头服务群众"]}], "due": "2026-12-31", "trigger": None,
            "masses": None, "post": None, "host_org": None, "leading": False, "exempt_members": [], "supports": None})
        return pledge_id
