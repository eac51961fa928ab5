"""安排部署 (G1, G2, G5): the cycles of the officer's scope with the versions of their schemes (``/ws/cycles``) and
the deployment form (``/ws/cycles/new``): per domain a scheme pre-filled from the template of the seven
indicators of G2, its sub-items, ladder and weights editable; the ratio rules of G5. What was typed is checked
field by field with the service's own pure rules (services/grading/scheme.py), then the API decides; its
refusals are shown at the field they concern, and the form keeps what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.grading.scheme import DEFAULT_LADDER, DEFAULT_WEIGHTS, INDICATORS, canonical_ratio, canonical_scheme
from shared.directory.domain import DOMAINS
from shared.errors import Problem, without_rule_codes
from shared.scope import Scope

from ..web import ApiAs, Form, Person, Refused, org_name, redirect, render

router = APIRouter()
TEMPLATE: dict[
    str, list[tuple[Any, ...]]
] = {  # the template scheme: the seven indicators of G2 with their sub-items, 100 points in all
    "党组织带头人": [("1.1", "书记政治素质和履职能力", 10), ("1.2", "班子团结协作", 5)],
    "工作思路": [("2.1", "年度工作计划和目标", 10)],
    "工作制度": [("3.1", "三会一课等制度落实", 10), ("3.2", "创先争优制度建立并公开", 5)],
    "活动阵地": [("4.1", "活动场所和设施", 10)],
    "保障机制": [("5.1", "经费和人员保障", 10)],
    "工作业绩": [("6.1", "中心工作和服务群众成效", 20)],
    "群众评价": [("7.1", "党员群众评议结果", 15, "mass"), ("7.2", "群众走访满意度", 5)],
}
EXTRA_ROWS = 1  # blank sub-item rows offered under each indicator
LADDER_ROWS = 4
REFUSED_AT = {  # the API's refusal (slug) → the field it concerns
    "grading-issuer": "issuer",
    "grading-domain": "domains",
    "grading-cycle-exists": "year",
    "grading-ratio": "ratio",
    "grading-scheme": "domains",
}


def template_fields(d: int, year: int) -> dict[str, str]:
    """The form's fields for domain number ``d``, pre-filled from the template."""
    fields = {f"s{d}.version": f"{year}.1", f"s{d}.w_self": f"{DEFAULT_WEIGHTS['self'] * 100:g}"}
    for i, name in enumerate(INDICATORS):
        for r, (code, title, top, *source) in enumerate(TEMPLATE[name]):
            fields |= {f"s{d}.i{i}.r{r}.code": code, f"s{d}.i{i}.r{r}.title": title, f"s{d}.i{i}.r{r}.max": str(top)}
            if source:
                fields[f"s{d}.i{i}.r{r}.mass"] = "on"
    for r, rung in enumerate(DEFAULT_LADDER):
        fields |= {f"s{d}.l{r}.grade": str(rung["grade"]), f"s{d}.l{r}.min": str(rung["min"])}
    return fields


def number(typed: dict, key: str, what: str, errors: dict, field: str) -> float | None:
    raw = typed.get(key, "").strip()
    try:
        return float(raw)
    except ValueError:
        errors.setdefault(field, f"{what}须填写数字，如 10 或 2.5")
        return None


def scheme_of(typed: dict, d: int, errors: dict) -> dict | None:
    """The scheme typed for domain number ``d``, checked by the service's rule (G2); None with errors[...]."""
    field = f"s{d}"
    indicators = []
    for i, name in enumerate(INDICATORS):
        items = []
        for r in range(len(TEMPLATE[name]) + EXTRA_ROWS):
            row = f"s{d}.i{i}.r{r}"
            code, title = typed.get(f"{row}.code", "").strip(), typed.get(f"{row}.title", "").strip()
            if not code and not title and not typed.get(f"{row}.max", "").strip():
                continue
            top = number(typed, f"{row}.max", f"{name} 子项 {code or r + 1} 的分值", errors, field)
            item = {"code": code, "title": title, "max": top if top is not None else 0}
            if typed.get(f"{row}.mass"):
                item["source"] = "mass"
            items.append(item)
        indicators.append({"name": name, "items": items})
    ladder = []
    for r in range(LADDER_ROWS):
        grade = typed.get(f"s{d}.l{r}.grade", "").strip()
        if grade:
            ladder.append(
                {"grade": grade, "min": number(typed, f"s{d}.l{r}.min", f"等次「{grade}」的分数线", errors, field)}
            )
    w_self = number(typed, f"s{d}.w_self", "自评权重", errors, field)
    if field in errors or w_self is None:
        return None
    scheme = {
        "version": typed.get(f"s{d}.version", "").strip(),
        "indicators": indicators,
        "ladder": ladder,
        "weights": {"self": round(w_self / 100, 4), "superior": round(1 - w_self / 100, 4)},
    }
    try:
        canonical_scheme(scheme)
    except Problem as exc:
        errors[field] = without_rule_codes(exc.title_zh)
        return None
    return scheme


def ratio_of(typed: dict, errors: dict) -> dict | None:
    """G5: percentages typed, shares sent; checked by the service's rule."""
    ratio: dict[str, float | None] = {}
    for key, what in (("max_top", "先进比例上限"), ("min_bottom", "后进比例下限")):
        if not typed.get(key, "").strip():
            ratio[key] = None
            continue
        value = number(typed, key, what, errors, "ratio")
        if value is not None and not 0 <= value <= 100:
            errors["ratio"] = f"{what}须在 0 到 100（%）之间"
        ratio[key] = None if value is None else round(value / 100, 4)
    if "ratio" in errors:
        return None
    try:
        canonical_ratio(ratio)
    except Problem as exc:
        errors["ratio"] = (
            "先进比例上限与后进比例下限之和不能超过 100%，请调低其中之一"
            if (ratio["max_top"] or 0) + (ratio["min_bottom"] or 0) > 1
            else without_rule_codes(exc.title_zh)
        )
        return None
    return ratio


def issuers(request: Request, scopes: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(scope, issuer org id, its name): the committee standing at each of the officer's scopes (G1)."""
    found = []
    for text in scopes:
        scope = Scope.parse(text)
        for org in request.app.state.directory.leading_orgs_at(scope.hierarchy, "/".join(scope.path)):
            found.append((text, org.org_id, org.name))
    return found


async def new_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    account = request.state.session.account
    year = dt.date.today().year
    typed = context.pop("typed", None)
    if typed is None:
        typed = {"year": str(year), "max_top": "30", "min_bottom": "5"}
        for d in range(len(DOMAINS)):
            typed |= template_fields(d, year)
        own = issuers(request, account.scopes)
        if own:
            typed["issuer"] = f"{own[0][0]}|{own[0][1]}"
    return render(
        request,
        "console_grading_new.html",
        status=status,
        typed=typed,
        errors=context.pop("errors", {}),
        domains=list(enumerate(DOMAINS)),
        indicators=list(enumerate(INDICATORS)),
        rows={name: len(TEMPLATE[name]) + EXTRA_ROWS for name in INDICATORS},
        ladder_rows=range(LADDER_ROWS),
        issuers=issuers(request, account.scopes),
        **context,
    )


@router.get("/cycles", response_class=HTMLResponse)
async def cycles(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    items = (await api.get("/api/grading/cycles"))["items"]
    for c in items:
        c["issuer"] = org_name(request, c["issuer_org_id"])
    return render(request, "console_grading_list.html", cycles=items, notice=notice)


@router.get("/cycles/new", response_class=HTMLResponse)
async def new(request: Request, session: Person) -> HTMLResponse:
    return await new_page(request)


@router.post("/cycles/new", response_class=HTMLResponse)
async def deploy(request: Request, session: Person, api: ApiAs, form: Form):
    typed = {k: str(v) for k, v in form.items() if k != "csrf"}
    errors: dict[str, str] = {}
    year = number(typed, "year", "年度", errors, "year")
    scope, _, issuer = typed.get("issuer", "").partition("|")
    if not issuer:
        errors["issuer"] = "请选择部署机关"
    chosen = [d for d in range(len(DOMAINS)) if typed.get(f"d{d}")]
    if not chosen:
        errors["domains"] = "请至少勾选一个领域并设定其指标体系"
    schemes = {DOMAINS[d]: scheme_of(typed, d, errors) for d in chosen}
    ratio = ratio_of(typed, errors)
    if errors:
        return await new_page(
            request, 422, typed=typed, errors=errors, error="部署未完成：请按提示修改标红的栏目后重新提交"
        )
    body = {"year": int(year or 0), "scope": scope, "issuer_org_id": issuer, "schemes": schemes, "ratio": ratio}
    try:
        cycle = await api.post("/api/grading/cycles", body)
    except Refused as exc:
        field = REFUSED_AT.get(exc.slug, "general")
        return await new_page(request, exc.status, typed=typed, errors={field: exc.zh}, error=exc.zh)
    return redirect(f"/ws/cycles/{cycle['cycle_id']}", notice=f"{cycle['year']} 年度分类定级已部署")
