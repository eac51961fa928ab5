"""Names of members (姓名): personal data, kept in the directory's own store and never in an event.

The directory's events carry what the services decide by (org, status, post …) and travel on the bus to
every service, the audit log and downstream systems; a name travels nowhere. Pages and reports look names up
here, by member id, at the moment they show them. Erasing a person (``erase``) removes the name from this
one table; the event history, which never held it, stays verifiable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..db import Database
from ..settings import Settings

PEOPLE_DDL = """
CREATE TABLE IF NOT EXISTS dir_people (member_id TEXT PRIMARY KEY, name TEXT NOT NULL)
"""


class PeopleBook:
    def __init__(self, settings: Settings, db: Database | None = None):
        self.db = db or Database(settings, "directory")
        self.db.script(PEOPLE_DDL)

    def record(self, names: dict[str, str]) -> int:
        """Set the names of these members (an import); returns how many changed."""
        changed = 0
        current = self.names(names)
        with self.db.transaction() as tx:
            for member_id, name in names.items():
                if current.get(member_id) != name:
                    tx.upsert("dir_people", {"member_id": member_id, "name": name}, ("member_id",))
                    changed += 1
        return changed

    def names(self, member_ids: Iterable[str]) -> dict[str, str]:
        """``{member id: name}`` of those that have one (an erased or unnamed member is absent)."""
        ids = sorted(set(member_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.db.query(
                f"SELECT member_id, name FROM dir_people WHERE member_id IN ({', '.join('?' * len(chunk))})", chunk
            )
            found |= {r["member_id"]: r["name"] for r in rows}
        return found

    def name(self, member_id: str) -> str | None:
        return self.names([member_id]).get(member_id)

    def search(self, text: str, limit: int = 50) -> dict[str, str]:
        """Members whose name contains ``text``."""
        rows = self.db.query(
            "SELECT member_id, name FROM dir_people WHERE name LIKE ? ORDER BY member_id LIMIT ?",
            [f"%{text}%", limit],
        )
        return {r["member_id"]: r["name"] for r in rows}

    def erase(self, member_id: str) -> bool:
        with self.db.transaction() as tx:
            return tx.execute("DELETE FROM dir_people WHERE member_id = ?", [member_id]).rowcount > 0

    def close(self) -> None:
        self.db.close()


def shown(member_id: str, names: dict[str, str]) -> str:
    """How a page names a member: 张三 (M000033), or the id alone when no name is known (erased)."""
    name = names.get(member_id)
    return f"{name}（{member_id}）" if name else member_id


def public_name(member_id: str, names: dict[str, str]) -> str:
    """How a public page names a member: the name alone (no id); 一名党员 when none is known (erased)."""
    return names.get(member_id) or "一名党员"


def app_people(app: Any) -> PeopleBook:
    """The one people book of an app (``app.state.people``; the workspace shares it), opened on first use and
    closed with the app (shared.app). Any service's process reads names here, the directory's store."""
    if getattr(app.state, "people", None) is None:
        app.state.people = PeopleBook(app.state.settings)
    return app.state.people
