"""Org 党组织 and Member 党员 aggregates of the directory. No I/O."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from ..application import Stamped

NS = uuid.UUID("0b7c9a52-1d1e-4f5c-8a8e-6f7f3b0e2d11")
ORG_TYPES = ("党委", "总支", "支部")
DOMAINS = ("农村", "社区", "国企", "高校", "机关事业", "非公", "社会组织", "窗口单位")
MODES = ("a", "b", "c")  # H2: (a) both territorial, (b) party territorial/business vertical, (c) both vertical


def leading_hierarchy(mode: str) -> str:
    """H3: in modes (a) and (b) the local committee leads; in (c) the industry system's committee leads."""
    return "vertical" if mode == "c" else "local"


MEMBER_STATUSES = ("normal", "exempt", "mobile")  # 正常, 免于承诺 (P6), 流动党员


def org_uuid(org_id: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"org:{org_id}")


def member_uuid(member_id: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"member:{member_id}")


def record_changes(aggregate: Any, changed: type, record: dict, org: dict, trace: dict) -> bool:
    """Record a Changed event with exactly the fields that differ; nothing if none do."""
    changes = {k: v for k, v in record.items() if aggregate.record.get(k) != v}
    if not changes:
        return False
    aggregate.trigger_event(changed, record=record, changes=changes, org=org, trace=trace)
    return True


class Org(Aggregate):
    class Registered(Aggregate.Created, Stamped):
        record: dict

    class Changed(Stamped):
        record: dict
        changes: dict

        def apply(self, org: Any) -> None:
            org.record = self.record

    def __init__(self, record: dict, **_: Any):
        self.record = record

    @classmethod
    def register(cls, record: dict, org: dict, trace: dict) -> Org:
        return cls._create(cls.Registered, id=org_uuid(record["id"]), record=record, org=org, trace=trace)

    def update(self, record: dict, org: dict, trace: dict) -> bool:
        return record_changes(self, self.Changed, record, org, trace)


class Member(Aggregate):
    class Registered(Aggregate.Created, Stamped):
        record: dict

    class Changed(Stamped):
        record: dict
        changes: dict

        def apply(self, member: Any) -> None:
            member.record = self.record

    def __init__(self, record: dict, **_: Any):
        self.record = record

    @classmethod
    def register(cls, record: dict, org: dict, trace: dict) -> Member:
        return cls._create(cls.Registered, id=member_uuid(record["id"]), record=record, org=org, trace=trace)

    def update(self, record: dict, org: dict, trace: dict) -> bool:
        return record_changes(self, self.Changed, record, org, trace)
