"""The directory's query API 组织目录 (issue 13), answered by every app from its services' directory replica.

Mounted once at ``/api/directory`` by :func:`shared.app.create_app` when the app hosts a service with a replica
(the directory itself has no API: it publishes, the services replicate). Who sees what (H4):

- ``GET /orgs`` — the orgs of a ``scope`` the caller holds (officers), or, without one, the caller's own org
  (members, secretaries); ``q`` searches names and codes, ``parent`` lists one org's children; without either,
  the tops of the scope's tree.
- ``GET /orgs/{id}`` — one org the caller sees, with its parent and children in both hierarchies (H1).
- ``GET /orgs/{id}/members`` — for the org's secretary and members and whoever oversees it; names come from
  the people book (never from events), an exemption's reason only for those who see private records.

The tree of a hierarchy (H3): an org that leads through it hangs under its leading parent (``parent``); one
that is only guided through it hangs under the nearest org leading through it at or above its position there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from ..api import Caller
from ..auth import forbidden, oversees, require_reader, require_scope, require_sees, sees_private
from ..errors import invalid
from ..scope import Scope, parse_scope
from ..service import ServiceRuntime
from .people import app_people
from .replica import DirectoryView, MemberRecord, OrgRecord

Hierarchy = Literal["local", "vertical"]
HIERARCHIES: tuple[Hierarchy, ...] = ("local", "vertical")
MAX_LISTED = 500  # orgs in one answer; a search narrows a larger scope
SearchText = Annotated[str | None, Query(max_length=50, description="part of an org's name or its code")]


def path_of(org: OrgRecord, hierarchy: str) -> tuple[str, ...]:
    return org.position.local if hierarchy == "local" else org.position.vertical


def parent_in(view: DirectoryView, org: OrgRecord, hierarchy: str) -> str | None:
    """The org above ``org`` in ``hierarchy``'s tree (None at the top, or when it stands outside that tree)."""
    path = path_of(org, hierarchy)
    if not path:
        return None
    if org.leading_hierarchy == hierarchy:
        return org.parent_id
    for depth in range(len(path), 0, -1):
        leading = view.leading_orgs_at(hierarchy, "/".join(path[:depth]), besides=org.org_id)
        if leading:
            return leading[0].org_id
    return None


def children_of(view: DirectoryView, org: OrgRecord, hierarchy: str) -> list[OrgRecord]:
    """The orgs hanging directly under ``org`` in ``hierarchy`` (only an org leading through it has any)."""
    path = path_of(org, hierarchy)
    if not path or org.leading_hierarchy != hierarchy:
        return []
    below = view.orgs_in(Scope(hierarchy, path))  # type: ignore[arg-type]
    return [o for o in below if o.org_id != org.org_id and parent_in(view, o, hierarchy) == org.org_id]


def tops_of(view: DirectoryView, scope: Scope) -> list[OrgRecord]:
    """The orgs of ``scope`` whose parent in its hierarchy lies outside it: where its tree starts."""
    inside = view.orgs_in(scope)
    ids = {o.org_id for o in inside}
    return [o for o in inside if parent_in(view, o, scope.hierarchy) not in ids]


def matches(org: OrgRecord, text: str) -> bool:
    """Search by name or code: the org's id, its name, or the last code of its path in either hierarchy."""
    text = text.strip().lower()
    codes = {org.org_id.lower(), *(p[-1].lower() for h in HIERARCHIES if (p := path_of(org, h)))}
    return text in org.name.lower() or any(text in code for code in codes)


def org_view(org: OrgRecord, members: int | None = None) -> dict:
    view = {
        "id": org.org_id,
        "name": org.name,
        "type": org.org_type,
        "domain": org.domain or None,
        "mode": org.mode,
        "leading_hierarchy": org.leading_hierarchy,
        "local_path": org.local_path,
        "vertical_path": org.vertical_path or None,
        "parent": org.parent_id,
    }
    return view if members is None else {**view, "members": members}


def member_view(m: MemberRecord, names: dict[str, str], private: bool) -> dict:
    return {
        "id": m.member_id,
        "name": names.get(m.member_id),
        "status": m.status,
        "post": m.post,
        "leading_cadre": bool(m.leading_cadre),
        "location_org": m.location_org_id,
        "exempt_reason": m.exempt_reason if private else None,
    }


def directory_routes(rt: ServiceRuntime) -> APIRouter:
    view = rt.directory
    router = APIRouter()

    def seen(who, org: OrgRecord) -> bool:
        return who.role != "downstream" and who.sees(org.position)

    def brief(who, org_id: str | None) -> dict | None:
        """A parent shown beside an org: only one the caller sees."""
        if not org_id:
            return None
        try:
            org = view.org(org_id)
        except Exception:  # noqa: BLE001 — a parent not (yet) in the replica
            return None
        return {"id": org.org_id, "name": org.name} if seen(who, org) else None

    def may_see_members(who, org: OrgRecord) -> bool:
        own = who.role in ("member", "secretary") and who.org == org.org_id
        return own or oversees(who, org.position)

    @router.get(
        "/orgs", summary="组织目录 orgs of a scope held (or one's own org): its tree's tops, a search, children"
    )
    def orgs(
        who: Caller,
        scope: str | None = Query(None, max_length=200),
        q: SearchText = None,
        parent: str | None = Query(None, max_length=64),
    ) -> dict:
        require_reader(who)
        if scope is None:
            if who.org is None or who.role not in ("member", "secretary"):
                raise invalid(
                    "scope",
                    "请用 scope 指定要查看的范围，如 local:13/1301 或 vertical:tax/13（须在您的管辖范围内）",
                    "name the scope to list with ?scope=, e.g. local:13/1301 or vertical:tax/13 (one you hold)",
                )
            own = view.org(who.org)
            listed = [own] if not q or matches(own, q) else []
            return {"scope": None, "hierarchy": None, "items": [org_view(o) for o in listed], "truncated": False}
        wanted = parse_scope(scope)
        require_scope(who, wanted)
        if parent:
            above = view.org(parent)
            if not wanted.contains(above.position):
                raise forbidden(
                    who,
                    f"组织 {parent} 不在范围 {wanted} 内，请在该范围内的组织下展开",
                    f"org {parent} is outside scope {wanted}; expand an org inside it",
                    org=parent,
                )
            found = children_of(view, above, wanted.hierarchy)
        elif q:
            found = [o for o in view.orgs_in(wanted) if matches(o, q)]
        else:
            found = tops_of(view, wanted)
        counts = {o.org_id: len(view.members_of(o.org_id)) for o in found[:MAX_LISTED]}
        return {
            "scope": str(wanted),
            "hierarchy": wanted.hierarchy,
            "items": [org_view(o, counts[o.org_id]) for o in found[:MAX_LISTED]],
            "truncated": len(found) > MAX_LISTED,
        }

    @router.get(
        "/orgs/{org_id}", summary="一个组织 an org the caller sees, with its parent and children in both hierarchies"
    )
    def org(org_id: str, who: Caller) -> dict:
        found = view.org(org_id)
        require_sees(who, found.position)
        return {
            **org_view(found, len(view.members_of(org_id))),
            "parents": {h: brief(who, parent_in(view, found, h)) for h in HIERARCHIES},
            "children": {h: [org_view(c) for c in children_of(view, found, h) if seen(who, c)] for h in HIERARCHIES},
            "members_visible": may_see_members(who, found),
        }

    @router.get(
        "/orgs/{org_id}/members", summary="党员名单 an org's members with names (its secretary, members, overseers)"
    )
    def members(org_id: str, who: Caller, request: Request) -> dict:
        found = view.org(org_id)
        if not may_see_members(who, found):
            raise forbidden(
                who,
                f"{found.name}（{org_id}）的党员名单只对本组织党员、书记和管辖该组织的上级开放",
                f"the members of {org_id} are for its members, its secretary and officers whose scope holds it",
                org=org_id,
            )
        listed = view.members_of(org_id)
        names = app_people(request.app).names(m.member_id for m in listed)
        return {
            "org": org_view(found, len(listed)),
            "items": [member_view(m, names, sees_private(who, found.position, [m.member_id])) for m in listed],
        }

    return router
