"""自评 (G3): the org's self-assessment in its current grading cycle, one field per sub-item of the indicator
scheme its domain is graded by (G2), with evidence; sub-items scored from 群众评议 (E8) or a published
institution (G10) are shown, not asked."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .secretary_labels import GRADING, secretary_org
from .web import Api, ApiAs, Form, Person, Refused, org_name, redirect, render

router = APIRouter()
SOURCES = {"mass": "取自党员群众评议结果", "institution": "取自已公布的创先争优制度"}


async def current(api: Api, org: str) -> dict[str, Any] | None:
    """The newest cycle grading the org, its scheme and the org's grading so far (None before the first 自评)."""
    cycles = (await api.get(f"/api/grading/orgs/{org}/cycles"))["items"]
    if not cycles:
        return None
    cycle = cycles[0]
    scheme = (await api.get(f"/api/grading/schemes/{cycle['scheme_hash']}"))["scheme"]
    try:
        grading = await api.get(f"/api/grading/cycles/{cycle['cycle_id']}/orgs/{org}")
    except Refused as exc:
        if exc.status != 404:
            raise
        grading = None
    return {"cycle": cycle, "scheme": scheme, "grading": grading}


async def assessment_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    org = secretary_org(request.state.session)
    found = await current(api, org)
    grading = (found or {}).get("grading") or {}
    typed = context.pop("typed", None) or {f"p_{c}": v for c, v in (grading.get("self_points") or {}).items()}
    return render(
        request,
        "secretary_assessment.html",
        status=status,
        org=org_name(request, org),
        found=found,
        issuer=org_name(request, found["cycle"]["issuer_org_id"]) if found else "",
        state=GRADING.get(grading.get("state", ""), ""),
        sources=SOURCES,
        typed=typed,
        **context,
    )


@router.get("/assessment", response_class=HTMLResponse)
async def assessment(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await assessment_page(request, api, notice=notice)


@router.post("/assessment", response_class=HTMLResponse)
async def self_assess(request: Request, session: Person, api: ApiAs, form: Form):
    org = secretary_org(session)
    typed = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    found = await current(api, org)
    if found is None:
        return await assessment_page(request, api, 409, error="上级尚未部署本组织的分类定级，暂时不能自评")
    codes = [i["code"] for ind in found["scheme"]["indicators"] for i in ind["items"] if i["source"] == "self_superior"]
    missing = [c for c in codes if not typed.get(f"p_{c}")]
    if missing:
        return await assessment_page(
            request, api, 422, typed=typed, error=f"请为每个子项打分，尚未填写：{'、'.join(missing)}"
        )
    try:
        points = {c: float(typed[f"p_{c}"]) for c in codes}
    except ValueError:
        return await assessment_page(request, api, 422, typed=typed, error="得分须填写数字，如 8 或 8.5")
    evidence = {c: [typed[f"e_{c}"]] for c in codes if typed.get(f"e_{c}")}
    try:
        await api.post(
            f"/api/grading/cycles/{found['cycle']['cycle_id']}/orgs/{org}/self-assessment",
            {"items": points, "evidence": evidence},
        )
    except Refused as exc:
        return await assessment_page(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect("/ws/assessment", notice="自评已提交，上级评定前可以修改后重新提交")
