"""分类定级 (G3, G4, G5, H3): a cycle's queue of the orgs the officer leads (or only guides) with the G5 meter
and the issuing authority's override (``/ws/cycles/{id}``), and one org's page (``…/orgs/{org}``): its 自评
with evidence, its 党员群众评议 result (E8) and the 上级评定 side by side, the determination (G4) and the
correction of a determination made in error (定级更正). Every decision is the API's: a guiding superior's
attempt comes back refused (H3), a breach of the ratio rules with its figures (G5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render
from .grading_common import MODES, STATES, cycle_of, ladder_of, percent

router = APIRouter()


async def queue_of(request: Request, api: Api, cycle_id: str) -> list[dict[str, Any]]:
    items = (await api.get(f"/api/grading/cycles/{cycle_id}/orgs"))["items"]
    for row in items:
        row |= {"name": org_name(request, row["org_id"]), "state_zh": STATES.get(row["state"], row["state"])}
    return items


async def cycle_page(request: Request, api: Api, cycle_id: str, status: int = 200, **context: Any) -> HTMLResponse:
    cycle = await cycle_of(request, api, cycle_id)
    queue = await queue_of(request, api, cycle_id)
    for org_id, o in cycle["overrides"].items():
        o["name"] = org_name(request, org_id)
    return render(
        request,
        "console_grading_cycle.html",
        status=status,
        cycle=cycle,
        queue=queue,
        led=[r for r in queue if r["leads"]],
        guided=[r for r in queue if not r["leads"]],
        grades=ladder_of(cycle),
        percent=percent,
        authority=request.state.session.account.role == "org_admin",
        typed=context.pop("typed", {}),
        errors=context.pop("errors", {}),
        **context,
    )


async def grading_of(api: Api, cycle_id: str, org_id: str) -> dict[str, Any]:
    """The org's grading so far (empty before the first assessment)."""
    try:
        return await api.get(f"/api/grading/cycles/{cycle_id}/orgs/{org_id}")
    except Refused as exc:
        if exc.status != 404:
            raise
        return {}


async def org_page(
    request: Request, api: Api, cycle_id: str, org_id: str, status: int = 200, **context: Any
) -> HTMLResponse:
    cycle = await cycle_of(request, api, cycle_id)
    org = request.app.state.directory.org(org_id)
    grading = await grading_of(api, cycle_id, org_id)
    if not grading:
        row: dict = next(
            (r for r in (await api.get(f"/api/grading/cycles/{cycle_id}/orgs"))["items"] if r["org_id"] == org_id), {}
        )
        grading = {"mass": row.get("mass")}
    scheme_hash = grading.get("scheme_hash") or cycle["schemes"][org.domain]["scheme_hash"]
    scheme = (await api.get(f"/api/grading/schemes/{scheme_hash}"))["scheme"]
    superior = grading.get("superior_points") or {}
    typed = context.pop("typed", None) or {f"p_{c}": f"{v:g}" for c, v in superior.items()}
    return render(
        request,
        "console_grading_org.html",
        status=status,
        cycle=cycle,
        org=org,
        org_label=org.name,
        mode=MODES.get(org.mode, org.mode),
        grading=grading,
        state=STATES.get(grading.get("state", "assessing"), ""),
        scheme=scheme,
        grades=[r["grade"] for r in scheme["ladder"]],
        typed=typed,
        errors=context.pop("errors", {}),
        percent=percent,
        **context,
    )


@router.get("/cycles/{cycle_id}", response_class=HTMLResponse)
async def cycle(request: Request, session: Person, api: ApiAs, cycle_id: str, notice: str = "") -> HTMLResponse:
    return await cycle_page(request, api, cycle_id, notice=notice)


@router.post("/cycles/{cycle_id}/overrides", response_class=HTMLResponse)
async def override(request: Request, session: Person, api: ApiAs, form: Form, cycle_id: str):
    """G5 例外批准 by the issuing authority, for one org and grade, with its reason."""
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    if not typed.get("reason"):
        return await cycle_page(request, api, cycle_id, 422, typed=typed, errors={"override": "请写明例外批准的理由"})
    body = {"org_id": typed.get("org_id", ""), "grade": typed.get("grade", ""), "reason": typed["reason"]}
    try:
        await api.post(f"/api/grading/cycles/{cycle_id}/overrides", body)
    except Refused as exc:
        return await cycle_page(request, api, cycle_id, exc.status, typed=typed, errors={"override": exc.zh})
    name = org_name(request, body["org_id"])
    return redirect(f"/ws/cycles/{cycle_id}", notice=f"已例外批准{name}定为「{body['grade']}」")


@router.get("/cycles/{cycle_id}/orgs/{org_id}", response_class=HTMLResponse)
async def org(request: Request, session: Person, api: ApiAs, cycle_id: str, org_id: str, notice: str = ""):
    return await org_page(request, api, cycle_id, org_id, notice=notice)


async def decide(
    request: Request, api: Api, cycle_id: str, org_id: str, action: str, body: dict, typed: dict, done: str
):
    """POST one decision to the API; a refusal re-renders the org's page with it at the form (``action``)."""
    try:
        await api.post(f"/api/grading/cycles/{cycle_id}/orgs/{org_id}/{action}", body)
    except Refused as exc:
        return await org_page(request, api, cycle_id, org_id, exc.status, typed=typed, errors={action: exc.zh})
    return redirect(f"/ws/cycles/{cycle_id}/orgs/{org_id}", notice=done)


@router.post("/cycles/{cycle_id}/orgs/{org_id}/assess", response_class=HTMLResponse)
async def assess(request: Request, session: Person, api: ApiAs, form: Form, cycle_id: str, org_id: str):
    """上级评定 (G3): a number per assessed sub-item, and a comment."""
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    codes = [k[2:] for k in typed if k.startswith("p_")]
    missing = [c for c in codes if not typed[f"p_{c}"]]
    try:
        points = {c: float(typed[f"p_{c}"]) for c in codes if c not in missing}
    except ValueError:
        points, missing = {}, ["（得分须填写数字，如 8 或 8.5）"]
    if missing:
        error = f"请为每个子项打分，尚未填写：{'、'.join(missing)}"
        return await org_page(request, api, cycle_id, org_id, 422, typed=typed, errors={"superior-assessment": error})
    body = {"items": points} | ({"comment": typed["comment"]} if typed.get("comment") else {})
    return await decide(request, api, cycle_id, org_id, "superior-assessment", body, typed, "上级评定已保存")


@router.post("/cycles/{cycle_id}/orgs/{org_id}/determine", response_class=HTMLResponse)
async def determine(request: Request, session: Person, api: ApiAs, form: Form, cycle_id: str, org_id: str):
    """定级确定 (G4, G5): by the score, or another grade with a reason."""
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    body = {k: typed[k] for k in ("grade", "reason") if typed.get(k)}
    return await decide(request, api, cycle_id, org_id, "determination", body, typed, "定级已确定")


@router.post("/cycles/{cycle_id}/orgs/{org_id}/correct", response_class=HTMLResponse)
async def correct(request: Request, session: Person, api: ApiAs, form: Form, cycle_id: str, org_id: str):
    """定级更正 (G4): another grade, always with a reason; checked against G5 as if determined anew."""
    typed = {f"c_{k}": str(v).strip() for k, v in form.items() if k != "csrf"}
    if not typed.get("c_reason"):
        return await org_page(
            request, api, cycle_id, org_id, 422, typed=typed, errors={"correction": "更正定级须写明理由"}
        )
    body = {"grade": typed.get("c_grade", ""), "reason": typed["c_reason"]}
    return await decide(request, api, cycle_id, org_id, "correction", body, typed, f"定级已更正为「{body['grade']}」")
