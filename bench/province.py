"""A synthetic province 河北 (13) for the benchmarks: orgs at township depth in both hierarchies (H1),
every tenth one also in the vertical tax system (mode c, H2), and one member with a post per org (P6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.pledges.domain import Pledge
from shared.scope import Position

PROVINCE = "13"
PREFECTURES = 11
COUNTIES_PER_PREFECTURE = 10
ORGS_PER_COUNTY = 20
COUNTY_SCOPE = "local:13/1301/130102"  # the county subscriber of the fan-out figure
VERTICAL_SCOPE = "vertical:tax/13"  # the vertical subscriber: the provincial tax bureau


@dataclass(frozen=True)
class BenchOrg:
    org_id: str
    position: Position
    member_id: str


def orgs(limit: int | None = None) -> list[BenchOrg]:
    """Every 党支部 of the province (2 200 by default), or the first ``limit`` of them."""
    out: list[BenchOrg] = []
    for p in range(1, PREFECTURES + 1):
        prefecture = f"13{p:02d}"
        for c in range(1, COUNTIES_PER_PREFECTURE + 1):
            county = f"{prefecture}{c:02d}"
            for o in range(1, ORGS_PER_COUNTY + 1):
                township = f"{county}{o:03d}"
                org_id = f"B{township}"
                local = (PROVINCE, prefecture, county, township)
                vertical = ("tax", PROVINCE, prefecture, county) if o % 10 == 0 else ()
                out.append(BenchOrg(org_id, Position(org_id, local, vertical), f"BM{township}"))
                if limit is not None and len(out) >= limit:
                    return out
    return out


def directory_records(limit: int) -> dict:
    """The directory import (same shape as the real importer takes) for the first ``limit`` orgs."""
    chosen = orgs(limit)
    parents: dict[str, dict] = {"P13": {"id": "P13", "name": "省委", "type": "党委", "local_path": "13", "mode": "a"}}
    records = []
    for o in chosen:
        county = o.position.local[2]
        parent = f"P{county}"
        parents.setdefault(
            parent,
            {
                "id": parent,
                "name": f"{county}县委",
                "type": "党委",
                "local_path": "/".join(o.position.local[:3]),
                "mode": "a",
                "parent": "P13",
            },
        )
        record = {
            "id": o.org_id,
            "name": f"{o.org_id}党支部",
            "type": "支部",
            "domain": "农村",
            "local_path": o.position.local_path,
            "mode": "a",
            "parent": parent,
        }
        if o.position.vertical:
            record.update(mode="c", domain="窗口单位", vertical_path=o.position.vertical_path)
        records.append(record)
    members = [{"id": o.member_id, "org": o.org_id, "post": "网格员"} for o in chosen]
    return {"orgs": [*parents.values(), *records], "members": members}


def proposal(org: BenchOrg, n: int) -> dict:
    """The body of a 提诺 (P1–P3): an annual individual pledge with one 五带头 item, ~ real size."""
    return {
        "org_id": org.org_id,
        "pledger_kind": "individual",
        "member_ids": [org.member_id],
        "kind": "annual",
        "items": [{"text": f"每月走访困难群众两次，帮助解决实际问题（第{n}号）", "tags": ["带头服务群众"]}],
    }


TODAY = dt.date(2026, 1, 5)  # the benchmark's clock


def proposed(org: BenchOrg, text: str) -> Pledge:
    """承诺提出 of an individual pledge by the org's member, built directly (no HTTP, no directory, no auth)."""
    return Pledge.propose(
        org=org.position.as_dict(),
        trace={"correlation_id": None, "causation_id": None},
        pledger_kind="individual",
        member_ids=[org.member_id],
        kind="annual",
        year=2026,
        items=[{"text": text, "tags": ["带头服务群众"]}],
        due=None,
        trigger=None,
        masses=None,
        post="网格员",
        host_org=None,
        leading=False,
        exempt_members=[],
        supports=None,
        today=TODAY,
    )
