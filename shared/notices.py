"""Reminders and tasks as messages 消息 (issue 13): a service's events that concern a person become notices.

A service declares in ``services/<svc>/notices.py`` which of its events notify whom, with a Chinese sentence
(:class:`NoticeRules`, ``ServiceSpec.notices``). Every runtime of such a service projects its OWN stream
through :class:`Notices` into ``cxzy_notices``: one row per event and recipient, in the projection's
transaction with its checkpoint, so exactly once — the row id is derived from the event id and the recipient,
so a replay finds the rows it made before (and their read and delivered marks) and adds none.

Recipients are addresses, never names (personal data stays in the directory; pages look names up):
``member:<id>`` a member, ``org:<id>`` the org's secretary, ``scope:<scope>`` the officers holding a scope
that contains it. ``GET /api/<svc>/notices`` gives the caller hers; ``shared.outbound`` carries them out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from .api import Caller, Paging
from .auth import Identity
from .db import Database, Tx
from .envelope import Envelope
from .errors import not_found
from .projection import Projection
from .scope import Scope

NOTICE_NS = uuid.UUID("5b0f3c1e-2d7a-4e59-9a61-1c0de5a7e113")
OFFICERS = ("superior", "org_admin")  # who reads scope:<scope> notices (the levels that decide, H3)
MAX_TEXT = 300  # a notice is a sentence; a long free text (a return's reasons) is cut


def member(member_id: str) -> str:
    return f"member:{member_id}"


def org(org_id: str) -> str:
    return f"org:{org_id}"


def scope(text: str) -> str:
    return f"scope:{Scope.parse(text)}"


@dataclass(frozen=True)
class Notice:
    """One message to one recipient: ``text`` a Chinese sentence without names; ``about`` a member id the page
    names; ``href`` the workspace page where the matter is handled."""

    to: str
    text: str
    href: str = ""
    about: str | None = None


class Facts:
    """What a rule may read, inside the projection's transaction: the directory replica and the parties
    an earlier event named (``NoticeRules.parties``)."""

    def __init__(self, tx: Tx):
        self.tx = tx

    def members_of(self, org_id: str) -> list[str]:
        rows = self.tx.execute("SELECT member_id FROM dir_members WHERE org_id = ? ORDER BY member_id", [org_id]).all()
        return [r["member_id"] for r in rows]

    def parties(self, subject: str) -> list[str]:
        row = self.tx.execute("SELECT recipients FROM cxzy_notice_parties WHERE subject = ?", [subject]).one()
        return json.loads(row["recipients"]) if row else []


Rule = Callable[[Envelope, Facts], Iterable[Notice]]


@dataclass(frozen=True)
class NoticeRules:
    """``notify``: event name (``handled_as``) → the notices it makes. ``parties``: event name → the recipients
    that later events of the same subject (aggregate) concern, e.g. a pledge's pledgers named when proposed."""

    notify: dict[str, Rule]
    parties: dict[str, Callable[[Envelope], list[str]]] = field(default_factory=dict)


NOTICES_DDL = """
CREATE TABLE IF NOT EXISTS cxzy_notices (
    id TEXT PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL, org_id TEXT NOT NULL,
    recipient TEXT NOT NULL, text TEXT NOT NULL, href TEXT NOT NULL, about TEXT, created_at TEXT NOT NULL,
    read_at TEXT, delivered_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT);
CREATE INDEX IF NOT EXISTS cxzy_notices_recipient ON cxzy_notices (recipient, created_at);
CREATE INDEX IF NOT EXISTS cxzy_notices_undelivered ON cxzy_notices (delivered_at, next_attempt_at);
CREATE TABLE IF NOT EXISTS cxzy_notice_parties (subject TEXT PRIMARY KEY, recipients TEXT NOT NULL)
"""


class Notices(Projection):
    """A service's own events → ``cxzy_notices`` by its :class:`NoticeRules`."""

    name = "notices"
    source = ""
    ddl = NOTICES_DDL
    tables = ("cxzy_notice_parties",)  # a replay keeps the notices (ids are stable) and so their read marks

    def __init__(self, service: str, rules: NoticeRules):
        self.source = service  # type: ignore[misc]
        self.rules = rules

    def apply(self, tx: Tx, env: Envelope) -> None:
        name = env.handled_as
        if name in self.rules.parties:
            tx.upsert(
                "cxzy_notice_parties",
                {"subject": env.subject, "recipients": json.dumps(self.rules.parties[name](env))},
                key=("subject",),
            )
        rule = self.rules.notify.get(name)
        if rule is None:
            return
        for notice in rule(env, Facts(tx)):
            tx.insert_new("cxzy_notices", notice_row(env, notice), key=("id",))


def notice_row(env: Envelope, notice: Notice) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(NOTICE_NS, f"{env.id}|{notice.to}")),
        "event_id": env.id,
        "event_type": env.handled_as,
        "org_id": env.orgid,
        "recipient": notice.to,
        "text": notice.text[:MAX_TEXT],
        "href": notice.href,
        "about": notice.about,
        "created_at": env.time,
    }


# — whose notices: the caller's addresses ---------------------------------------------------------------


def addressed_to(who: Identity) -> tuple[str, list[Any]]:
    """A WHERE clause over ``recipient`` for what ``who`` may read: her own address, her org's if she is its
    secretary, and every ``scope:`` inside a scope she holds as an officer."""
    clauses = ["recipient = ?"]
    params: list[Any] = [member(who.sub) if who.role == "member" else f"sub:{who.sub}"]
    if who.role == "secretary" and who.org:
        clauses.append("recipient = ?")
        params.append(org(who.org))
    if who.role in OFFICERS:
        for held in who.scopes:
            prefix = scope(str(held))
            if held.path:
                clauses.append("(recipient = ? OR substr(recipient, 1, ?) = ?)")
                params += [prefix, len(prefix) + 1, prefix + "/"]
            else:  # local:* — every scope of the hierarchy
                clauses.append("substr(recipient, 1, ?) = ?")
                params += [len(f"scope:{held.hierarchy}:"), f"scope:{held.hierarchy}:"]
    return "(" + " OR ".join(clauses) + ")", params


PUBLIC_COLUMNS = "id, event_type, org_id, recipient, text, href, about, created_at, read_at"


def notices_for(db: Database, who: Identity, limit: int, offset: int, unread: bool = False) -> dict:
    where, params = addressed_to(who)
    if unread:
        where += " AND read_at IS NULL"
    rows = db.query(
        f"SELECT {PUBLIC_COLUMNS} FROM cxzy_notices WHERE {where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    count = db.one(f"SELECT COUNT(*) AS n FROM cxzy_notices WHERE {where}", params)
    return {"items": rows, "total": int(count["n"]) if count else 0, "limit": limit, "offset": offset}


def mark_read(db: Database, who: Identity, notice_id: str, now: str) -> dict:
    """Mark one of the caller's notices read (again is harmless); 404 for any other, hers or not known."""
    where, params = addressed_to(who)
    with db.transaction() as tx:
        tx.execute(
            f"UPDATE cxzy_notices SET read_at = COALESCE(read_at, ?) WHERE id = ? AND {where}",
            [now, notice_id, *params],
        )
        row = tx.execute(
            f"SELECT {PUBLIC_COLUMNS} FROM cxzy_notices WHERE id = ? AND {where}", [notice_id, *params]
        ).one()
    if row is None:
        raise not_found(
            "notice-not-found",
            f"没有编号为 {notice_id} 的消息，或它不是发给您的；请从消息列表中选择",
            f"No notice {notice_id} addressed to you; pick one from your notices",
        )
    return row


def notices_routes(db: Database) -> APIRouter:
    """``GET /api/<svc>/notices`` (newest first, paged; ``unread=true`` for the unread only) and
    ``POST /api/<svc>/notices/{id}/read``."""
    import datetime as dt

    router = APIRouter()

    @router.get("", summary="the caller's notices 消息 (reminders and tasks), newest first")
    def list_notices(who: Caller, page: Paging, unread: Annotated[bool, Query()] = False) -> dict:
        return notices_for(db, who, page.limit, page.offset, unread)

    @router.post("/{notice_id}/read", summary="mark one of the caller's notices read")
    def read(who: Caller, notice_id: Annotated[str, Path(max_length=64)]) -> dict:
        return mark_read(db, who, notice_id, dt.datetime.now(dt.UTC).isoformat())

    return router
