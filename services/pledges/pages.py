"""The public page of pledges publicised on the 网络平台 channel (P4, P5): mounted at ``/pledges/…``, no token.

Only what was made public is shown — pledges whose secretary publicised them on the 网络平台 (and what became of
them: 已践诺, 未兑现), grouped by org: the org's name as the issuing unit, the pledgers' names (from the directory's
people book, never an id), the items and the due date. Whatever goes wrong is a page people can read.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.directory.people import app_people, public_name
from shared.service import ServiceRuntime

from .application import PledgesApp
from .domain import KINDS, PLEDGER_KINDS, STATES

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
CHANNEL = "网络平台"
LISTED = 500  # the newest publicised pledges on one page


def org_name(rt: ServiceRuntime, org_id: str) -> str:
    try:
        return rt.directory.org(org_id).name
    except Exception:  # noqa: BLE001 — an org the replica does not know (yet)
        return "党组织"


def pages(rt: ServiceRuntime[PledgesApp]) -> APIRouter:
    router = APIRouter()

    @router.get("/public", response_class=HTMLResponse)
    def publicised(request: Request) -> HTMLResponse:
        rows = rt.db.query(
            "SELECT pledge_id, org_id, pledger_kind, member_ids, kind, due, state, items FROM pl_pledges "
            "WHERE channel = ? ORDER BY updated_at DESC, pledge_id LIMIT ?",
            [CHANNEL, LISTED],
        )
        for r in rows:
            r["member_ids"], r["items"] = json.loads(r["member_ids"]), json.loads(r["items"])
        names = app_people(request.app).names({m for r in rows for m in r["member_ids"]})
        orgs: dict[str, dict] = {}
        for r in rows:
            group = orgs.setdefault(r["org_id"], {"name": org_name(rt, r["org_id"]), "pledges": []})
            group["pledges"].append(
                {
                    "pledgers": "、".join(public_name(m, names) for m in r["member_ids"]),
                    "kind": f"{KINDS.get(r['kind'], '')} · {PLEDGER_KINDS.get(r['pledger_kind'], '')}",
                    "state": STATES.get(r["state"], ""),
                    "due": r["due"],
                    "lines": [i.get("text", "") for i in r["items"]],
                }
            )
        html = TEMPLATES.get_template("public.html").render(orgs=sorted(orgs.values(), key=lambda o: o["name"]))
        return HTMLResponse(html)

    return router
