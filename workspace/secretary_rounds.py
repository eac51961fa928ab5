"""评议 — the org's rounds with their results; opening 民主评议党员 for the org (E7), a 党员群众评议 of the org
(E8) or a 窗口三评 of one of its windows (E4, E6); and each window's printable QR poster (E1, E5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from .secretary_labels import MODES, PURPOSES, ROUND, ROUND_TONE, secretary_org
from .web import Api, ApiAs, Form, Person, Refused, names_of, org_name, redirect, render

router = APIRouter()
ROUNDS = 200
DEFAULT_WEIGHTS = {"democratic": {"self": 20, "peer": 50, "leader": 30}, "other": {"mass": 100}}


def period_defaults() -> dict[str, str]:
    today = dt.date.today()
    return {"year": str(today.year), "start": today.isoformat(), "end": (today + dt.timedelta(days=14)).isoformat()}


def weights_of(form: dict, prefix: str) -> dict[str, float]:
    """The modes a form chose, with their weights: fields ``<prefix>_<mode>``; empty or 0 leaves a mode out."""
    found = {}
    for mode in MODES:
        raw = str(form.get(f"{prefix}_{mode}") or "").strip()
        try:
            value = float(raw) if raw else 0.0
        except ValueError:
            raise ValueError(f"{MODES[mode]}的权重须为数字") from None
        if value:
            found[mode] = value
    if not found:
        raise ValueError("请至少为一种评议方式填写权重")
    return found


def subject_names(request: Request, rows: list[dict], windows: dict[str, str]) -> None:
    names = names_of(request, {r["subject_id"] for r in rows if r["subject_type"] == "member"})
    for r in rows:
        kind, sid = r["subject_type"], r["subject_id"]
        if kind == "member":
            r["subject"] = names.get(sid, sid)
        elif kind == "org":
            r["subject"] = org_name(request, sid)
        else:
            r["subject"] = windows.get(sid, sid) if kind == "window" else "党员承诺"
        r["purpose_zh"] = PURPOSES.get(r["purpose"], r["purpose"])
        r["state_zh"], r["tone"] = ROUND.get(r["state"], r["state"]), ROUND_TONE.get(r["state"], "")


async def windows_of(api: Api, org: str) -> dict[str, str]:
    return {w["window_id"]: w["name"] for w in (await api.get(f"/api/evaluations/orgs/{org}/windows"))["items"]}


async def rounds_page(request: Request, api: Api, status: int = 200, **context: Any) -> HTMLResponse:
    org = secretary_org(request.state.session)
    windows = await windows_of(api, org)
    rows = (await api.get(f"/api/evaluations/orgs/{org}/rounds", limit=ROUNDS))["items"]
    rows.sort(key=lambda r: (r["state"] != "open", r.get("end_on") or ""), reverse=False)
    subject_names(request, rows, windows)
    typed = period_defaults() | context.pop("typed", {})
    return render(
        request,
        "secretary_rounds.html",
        status=status,
        org_id=org,
        org=org_name(request, org),
        rounds=rows,
        windows=windows,
        modes=MODES,
        weights=DEFAULT_WEIGHTS,
        typed=typed,
        **context,
    )


@router.get("/rounds", response_class=HTMLResponse)
async def rounds(request: Request, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await rounds_page(request, api, notice=notice)


def period(form: dict) -> dict[str, Any]:
    return {
        "start": str(form.get("start") or ""),
        "end": str(form.get("end") or ""),
        "min_participation": float(form.get("min_participation") or 50) / 100,
        "publish": bool(form.get("publish")),
    }


@router.post("/rounds", response_class=HTMLResponse)
async def open_round(request: Request, session: Person, api: ApiAs, form: Form):
    """``kind`` = democratic (E7, every member) or a subject ``org:<id>`` / ``window:<id>``."""
    org = secretary_org(session)
    typed = {k: str(v) for k, v in form.items() if k != "csrf"}
    kind = typed.get("kind", "")
    try:
        year = int(typed.get("year") or 0)
        if kind == "democratic":
            body = period(form) | {"year": year, "modes": weights_of(form, "w")}
            path, done = f"/api/evaluations/orgs/{org}/democratic", "已为每名党员开展民主评议"
        elif ":" in kind:
            subject_type, subject_id = kind.split(":", 1)
            body = period(form) | {
                "year": year,
                "modes": weights_of(form, "w"),
                "subject_type": subject_type,
                "subject_id": subject_id,
                "purpose": "org_mass" if subject_type == "org" else "window",
                "eligible": int(typed.get("eligible") or 0),
            }
            path, done = "/api/evaluations/rounds", "评议已开展"
        else:
            raise ValueError("请选择评议类型：民主评议党员、党员群众评议或窗口三评")
    except ValueError as exc:
        message = str(exc) if "权重" in str(exc) or "评议类型" in str(exc) else "年度、参评人数和参与面须填写数字"
        return await rounds_page(request, api, 422, typed=typed, error=message)
    try:
        await api.post(path, body)
    except Refused as exc:
        return await rounds_page(request, api, exc.status, typed=typed, error=exc.zh)
    return redirect("/ws/rounds", notice=done)


async def rating_link(request: Request, api: Api, org: str, window_id: str) -> tuple[str, str]:
    """What the poster's QR code opens: the open 群众评议 of the window (E5) if there is one, else the window's
    public page (its 三亮 and any rating link). ``(url, until)``."""
    rows = (await api.get(f"/api/evaluations/orgs/{org}/rounds", state="open", limit=ROUNDS))["items"]
    base = str(request.base_url).rstrip("/")
    for r in rows:
        if r["subject_type"] == "window" and r["subject_id"] == window_id and r["has_mass"]:
            link = await api.get(f"/api/evaluations/rounds/{r['round_id']}/link")
            return base + link["path"], r.get("end_on") or ""
    return f"{base}/evaluations/windows/{window_id}", ""


@router.get("/windows/{window_id}/poster", response_class=HTMLResponse)
async def poster(request: Request, window_id: str, session: Person, api: ApiAs) -> HTMLResponse:
    org = secretary_org(session)
    windows = await windows_of(api, org)
    if window_id not in windows:
        raise Refused(
            404, {"type": "window-not-found", "title_zh": "本组织没有这个服务窗口，请从“评议”页面的窗口列表中选择"}
        )
    url, until = await rating_link(request, api, org, window_id)
    qr = Markup(segno.make(url, error="m").svg_inline(scale=8, omitsize=True, title="扫码评议"))  # noqa: S704
    return render(
        request,
        "secretary_poster.html",
        window=windows[window_id],
        org=org_name(request, org),
        qr=qr,
        url=url,
        until=until,
    )
