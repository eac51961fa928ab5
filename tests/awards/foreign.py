"""Publishes other services' CloudEvents onto the real nats-server, exactly as their fixed contracts say
(``grading.determined`` / ``rectification_*``, ``evaluations.completed``, ``pledges.proposed``): the grading
and evaluations services are being built in parallel, so the awards tests play their part on the bus."""

from __future__ import annotations

import uuid

from ..bus import PeerBus

LADDER = ["先进", "一般", "后进"]


class Foreign(PeerBus):
    def __init__(self, stack) -> None:
        super().__init__(stack["awards"])

    async def graded(self, org_id: str, year: int, grade: str) -> None:
        """定级确定 (G4)."""
        await self.publish(
            "grading",
            "determined",
            org_id,
            f"cycle-{year}:{org_id}",
            {
                "cycle_id": f"cycle-{year}",
                "org_id": org_id,
                "year": year,
                "grade": grade,
                "rank": LADDER.index(grade),
                "ladder": LADDER,
                "advanced": grade == LADDER[0],
                "score": 90.0 if grade == "先进" else 70.0,
                "scheme_hash": "h",
                "override": None,
            },
        )

    async def rectification(self, org_id: str, year: int, track: str) -> None:
        await self.publish(
            "grading",
            "rectification_planned",
            org_id,
            f"cycle-{year}:{org_id}",
            {
                "org_id": org_id,
                "cycle_id": f"cycle-{year}",
                "year": year,
                "track": track,
                "problems": ["制度不落实"],
                "measures": ["建立三会一课台账"],
            },
        )

    async def accepted(self, org_id: str, year: int, passed: bool) -> None:
        await self.publish(
            "grading",
            "rectification_accepted",
            org_id,
            f"cycle-{year}:{org_id}",
            {"org_id": org_id, "cycle_id": f"cycle-{year}", "year": year, "passed": passed, "comment": "考核验收"},
        )

    async def pledged(self, org_id: str, member_id: str) -> str:
        pledge_id = str(uuid.uuid4())
        await self.publish(
            "pledges",
            "proposed",
            org_id,
            pledge_id,
            {
                "pledger_kind": "individual",
                "member_ids": [member_id],
                "kind": "annual",
                "year": 2026,
                "items": [{"text": "带头服务群众", "tags": ["带头服务群众"]}],
                "due": "2026-12-31",
                "trigger": None,
                "masses": None,
                "post": None,
                "host_org": None,
                "leading": False,
                "exempt_members": [],
                "supports": None,
            },
        )
        return pledge_id
