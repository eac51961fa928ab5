"""待我评议 and 我的结果 (P7, E4–E7). 待我评议: what the evaluations API lists open for the member today
(GET /api/evaluations/members/{id}/to-rate), grouped into one form per 评议 (a 民主评议 is one round per member:
the form rates every peer of it at once, each by name); each score is posted through the API on its own, and
the page says which were recorded and which not. 我的结果: published (or own, E6) results and the member's
pledges' 评诺 results."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.directory.people import shown

from .member_forms import member_of, named, said
from .secretary_labels import MODES, PURPOSES, ROUND
from .web import Api, ApiAs, Form, Person, Refused, names_of, org_name, redirect, render

router = APIRouter()


async def subject_names(request: Request, api: Api, items: list[dict]) -> dict[str, str]:
    """What each round is about, as people read it: a member's name, an org's name, a pledge's first item."""
    people = names_of(request, {i["subject_id"] for i in items if i["subject_type"] == "member"})
    found = {}
    for i in items:
        kind, sid = i["subject_type"], i["subject_id"]
        if kind == "member":
            found[sid] = shown(sid, people)
        elif kind == "org":
            found[sid] = org_name(request, sid)
        elif kind == "pledge" and sid not in found:
            try:
                p = named(request, [await api.get(f"/api/pledges/pledges/{sid}")])[0]
                found[sid] = f"{p['pledgers']}的承诺：{p['items'][0]['text']}"
            except Refused:
                found[sid] = "一项承诺"
        else:
            found.setdefault(sid, sid)
    return found


async def rating_groups(request: Request, api: Api, me: str) -> list[dict]:
    """The open rounds, one group per (purpose, year, org): 民主评议 of 2026 is one form."""
    items = (await api.get(f"/api/evaluations/members/{me}/to-rate"))["items"]
    names = await subject_names(request, api, items)
    groups: dict[tuple, dict] = {}
    for i in sorted(items, key=lambda i: (i["mode"] != "self", names[i["subject_id"]])):
        key = (i["purpose"], i["year"], i["org_id"])
        title = f"{i['year']} 年{org_name(request, i['org_id'])}{PURPOSES.get(i['purpose'], '评议')}"
        group = groups.setdefault(key, {"key": "|".join(map(str, key)), "title": title, "rows": []})
        group["end"] = max(group.get("end", ""), i["end"])
        group["rows"].append(
            i | {"name": names[i["subject_id"]], "mode_zh": MODES.get(i["mode"], i["mode"]), "field": field(i)}
        )
    return list(groups.values())


def field(item: dict) -> str:
    return f"score-{item['round_id']}-{item['mode']}"


async def ratings_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    me, _ = member_of(request.state.session)
    groups = await rating_groups(request, api, me)
    return render(
        request, "member_ratings.html", status=status, groups=groups, typed=context.pop("typed", {}), **context
    )


@router.get("/ratings", response_class=HTMLResponse)
async def ratings(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await ratings_page(request, api, notice=notice)


def score_of(text: str) -> float | None:
    try:
        score = float(text)
    except ValueError:
        return None
    return score if math.isfinite(score) and 0 <= score <= 100 else None


@router.post("/ratings", response_class=HTMLResponse)
async def rate(request: Request, session: Person, api: ApiAs, form: Form):
    """Each filled score of the group's form is posted on its own (E5: one vote each); blanks are skipped."""
    me, _ = member_of(session)
    group = next((g for g in await rating_groups(request, api, me) if g["key"] == form.get("group")), None)
    if group is None:
        return await ratings_page(request, api, 409, error="这项评议已结束或不再需要您评分，请刷新页面查看")
    typed = {r["field"]: str(form.get(r["field"]) or "").strip() for r in group["rows"]}
    recorded, failed = [], []
    for row in group["rows"]:
        text = typed.get(row["field"], "")
        if not text:
            continue
        if row["rated"]:  # rated since the form was loaded (E5: one vote)
            failed.append(f"{row['name']}（{row['mode_zh']}）：您已评过，每人每种方式只能评一次")
            typed.pop(row["field"])
            continue
        score = score_of(text)
        if score is None:
            failed.append(f"{row['name']}（{row['mode_zh']}）：评分须是 0 到 100 之间的数")
            continue
        try:
            await api.post(f"/api/evaluations/rounds/{row['round_id']}/ratings", {"mode": row["mode"], "score": score})
        except Refused as exc:
            failed.append(f"{row['name']}（{row['mode_zh']}）：{said(exc, me)}")
            continue
        recorded.append(row["name"])
        typed.pop(row["field"])
    if not recorded and not failed:
        return await ratings_page(request, api, 422, typed=typed, error="请至少为一人填写评分（0 到 100）后再提交")
    done = f"已记录 {len(recorded)} 项评分：{'、'.join(recorded)}" if recorded else ""
    if not failed:
        return redirect("/ws/ratings", notice=done)
    error = f"以下 {len(failed)} 项评分未记录，请修改后重新提交：" + "；".join(failed)
    return await ratings_page(request, api, 200 if recorded else 422, typed=typed, notice=done, error=error)


@router.get("/results", response_class=HTMLResponse)
async def results(request: Request, session: Person, api: ApiAs) -> HTMLResponse:
    """我的结果: the member's closed rounds (E6, E7) and the 评诺 results of the member's pledges (P7)."""
    me, org = member_of(session)
    rounds = (await api.get(f"/api/evaluations/members/{me}/results"))["items"]
    for r in rounds:
        r["title"] = f"{r['year']} 年{PURPOSES.get(r['purpose'], '评议')}"
        r["state_zh"] = ROUND.get(r["state"], r["state"])
        r["modes_zh"] = [(MODES.get(m, m), s) for m, s in (r["modes"] or {}).items()]
    ledger = await api.get(f"/api/pledges/orgs/{org}/ledger", member=me, limit=500)
    evaluated = [p for p in named(request, ledger["items"]) if p["evaluation"]]
    return render(request, "member_results.html", rounds=rounds, pledges=evaluated)
