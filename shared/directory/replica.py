"""Each service's replica of the directory, projected from CXZY_DIRECTORY, and the queries on it."""

from __future__ import annotations

from dataclasses import dataclass

from ..db import Database, Tx
from ..envelope import Envelope
from ..errors import NotFound
from ..projection import Projection, handles
from ..scope import Position, Scope
from .domain import leading_hierarchy


class DirectoryReplica(Projection):
    name = "directory"
    source = "directory"
    tables = ("dir_orgs", "dir_members")
    ddl = """
    CREATE TABLE IF NOT EXISTS dir_orgs (
        org_id TEXT PRIMARY KEY, name TEXT NOT NULL, org_type TEXT NOT NULL, domain TEXT NOT NULL,
        local_path TEXT NOT NULL, vertical_path TEXT NOT NULL, mode TEXT NOT NULL, parent_id TEXT);
    CREATE INDEX IF NOT EXISTS dir_orgs_local ON dir_orgs (local_path);
    CREATE INDEX IF NOT EXISTS dir_orgs_vertical ON dir_orgs (vertical_path);
    CREATE TABLE IF NOT EXISTS dir_members (
        member_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, status TEXT NOT NULL, exempt_reason TEXT,
        location_org_id TEXT, post TEXT, leading_cadre INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS dir_members_org ON dir_members (org_id);
    """

    @handles("org_registered", "org_changed")
    def org(self, tx: Tx, env: Envelope) -> None:
        r = env.data["record"]
        tx.upsert(
            "dir_orgs",
            {
                "org_id": r["id"],
                "name": r["name"],
                "org_type": r["type"],
                "domain": r.get("domain") or "",
                "local_path": "/".join(r["local"]),
                "vertical_path": "/".join(r["vertical"]),
                "mode": r["mode"],
                "parent_id": r.get("parent"),
            },
            key=("org_id",),
        )

    @handles("member_registered", "member_changed")
    def member(self, tx: Tx, env: Envelope) -> None:
        r = env.data["record"]
        tx.upsert(
            "dir_members",
            {
                "member_id": r["id"],
                "org_id": r["org"],
                "status": r["status"],
                "exempt_reason": r.get("exempt_reason"),
                "location_org_id": r.get("location_org"),
                "post": r.get("post"),
                "leading_cadre": 1 if r.get("leading_cadre") else 0,
            },
            key=("member_id",),
        )


@dataclass(frozen=True)
class OrgRecord:
    org_id: str
    name: str
    org_type: str
    domain: str
    local_path: str
    vertical_path: str
    mode: str
    parent_id: str | None

    @property
    def position(self) -> Position:
        split = lambda p: tuple(x for x in p.split("/") if x)  # noqa: E731
        return Position(self.org_id, split(self.local_path), split(self.vertical_path))

    @property
    def leading_hierarchy(self) -> str:
        return leading_hierarchy(self.mode)


@dataclass(frozen=True)
class MemberRecord:
    member_id: str
    org_id: str
    status: str
    exempt_reason: str | None
    location_org_id: str | None
    post: str | None
    leading_cadre: int


class DirectoryView:
    def __init__(self, db: Database):
        self.db = db

    def org(self, org_id: str) -> OrgRecord:
        row = self.db.one("SELECT * FROM dir_orgs WHERE org_id = ?", [org_id])
        if row is None:
            raise NotFound(
                f"org {org_id} is not in the directory",
                slug="org-not-found",
                title_zh=f"组织 {org_id} 不在组织目录中，请核对组织编号",
                title_en=f"Org {org_id} is not in the directory; check the id",
            )
        return OrgRecord(**row)

    def member(self, member_id: str) -> MemberRecord:
        row = self.db.one("SELECT * FROM dir_members WHERE member_id = ?", [member_id])
        if row is None:
            raise NotFound(
                f"member {member_id} is not in the directory",
                slug="member-not-found",
                title_zh=f"党员 {member_id} 不在组织目录中，请核对党员编号",
                title_en=f"Member {member_id} is not in the directory; check the id",
            )
        return MemberRecord(**row)

    def position(self, org_id: str) -> Position:
        return self.org(org_id).position

    def members_of(self, org_id: str) -> list[MemberRecord]:
        return [
            MemberRecord(**r)
            for r in self.db.query("SELECT * FROM dir_members WHERE org_id = ? ORDER BY member_id", [org_id])
        ]

    def leading_orgs_at(self, hierarchy: str, path: str, besides: str | None = None) -> list[OrgRecord]:
        """Orgs standing exactly at ``path`` (``/``-joined) in ``hierarchy`` and led through it (H3)."""
        column = "local_path" if hierarchy == "local" else "vertical_path"
        rows = self.db.query(
            f"SELECT * FROM dir_orgs WHERE {column} = ? AND org_id <> ? ORDER BY org_id", [path, besides or ""]
        )
        return [o for o in (OrgRecord(**r) for r in rows) if o.leading_hierarchy == hierarchy]

    def is_base_org(self, org: OrgRecord) -> bool:
        """A base org 基层党组织 (党支部, 党总支, 基层党委) leads no org below it in its leading hierarchy; the
        committees above the branches (a county's, a system's 党委) do, even when they carry a domain."""
        column = "local_path" if org.leading_hierarchy == "local" else "vertical_path"
        below = self.db.one(
            f"SELECT org_id FROM dir_orgs WHERE parent_id = ? AND {column} LIKE ?",
            [org.org_id, f"{getattr(org, column)}/%"],
        )
        return below is None

    def orgs_in(self, scope: Scope) -> list[OrgRecord]:
        where, params = scope.sql_filter()
        return [OrgRecord(**r) for r in self.db.query(f"SELECT * FROM dir_orgs WHERE {where} ORDER BY org_id", params)]
