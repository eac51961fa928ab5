"""One pledge of the member (P4, P5): its details and review result, 履诺 progress reports with evidence files
(checked and kept by files.py; the report carries only each file's hash, type and name), 践诺完成, and 修改
of a returned pledge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from . import files
from .member_forms import FORM_WORDS, as_list, date_typed, items_checked, items_typed, member_of, named, said
from .web import Api, ApiAs, Form, Person, Refused, redirect, render

router = APIRouter()


def items_of(pledge: dict) -> list[dict]:
    """The pledge's items on the 修改 form's rows (blank rows to fill)."""
    rows = [{"text": i["text"], "tags": list(i["tags"])} for i in pledge["items"]]
    return rows + [{"text": "", "tags": []} for _ in range(len(FORM_WORDS["rows"]) - len(rows))]


async def pledge_page(request: Request, api: Api, pledge_id: str, status: int = 200, **context: Any) -> HTMLResponse:
    me, _ = member_of(request.state.session)
    pledge = named(request, [await api.get(f"/api/pledges/pledges/{pledge_id}")])[0]
    reports = (await api.get(f"/api/pledges/pledges/{pledge_id}/progress"))["items"]
    for r in reports:
        r["day"], r["evidence"] = r["at"][:10], [files.parse_ref(e) for e in r["evidence"]]
    typed = context.pop("typed", {})
    typed.setdefault("items", items_of(pledge))
    return render(
        request,
        "member_pledge.html",
        status=status,
        p=pledge,
        mine=me in pledge["member_ids"],
        reports=reports,
        typed=typed,
        limit_mb=files.LIMIT // (1024 * 1024),
        accepted=files.ACCEPTED,
        max_files=files.MAX_FILES,
        **FORM_WORDS,
        **context,
    )


@router.get("/pledges/{pledge_id}", response_class=HTMLResponse)
async def pledge(request: Request, pledge_id: str, session: Person, api: ApiAs, notice: str = "") -> HTMLResponse:
    return await pledge_page(request, api, pledge_id, notice=notice)


@router.post("/pledges/{pledge_id}/progress", response_class=HTMLResponse)
async def progress(request: Request, pledge_id: str, session: Person, api: ApiAs, form: Form):
    """履诺: a report with up to five evidence files; a refused file or report records nothing."""
    text = str(form.get("text") or "").strip()
    again = lambda status, error: pledge_page(request, api, pledge_id, status, typed={"text": text}, error=error)  # noqa: E731
    if not text:
        return await again(422, "请写明践诺进展的内容后再提交")
    try:
        uploads = await files.checked(as_list(form.get("evidence")))
    except files.BadFile as exc:
        return await again(422, str(exc))
    await api.get(f"/api/pledges/pledges/{pledge_id}")  # only who may read the pledge stores files for it
    store = files.files(request)
    store.keep(uploads, session.account.username)
    body = {"text": text, "evidence": [files.evidence_ref(u) for u in uploads]}
    try:
        await api.post(f"/api/pledges/pledges/{pledge_id}/progress", body)
    except Refused as exc:
        return await again(exc.status, said(exc, session.account.member_id or ""))
    store.link(uploads, pledge_id)
    attached = f"，附证明材料 {len(uploads)} 份" if uploads else ""
    return redirect(f"/ws/pledges/{pledge_id}", notice=f"已报告践诺进展{attached}")


@router.post("/pledges/{pledge_id}/complete", response_class=HTMLResponse)
async def complete(request: Request, pledge_id: str, session: Person, api: ApiAs, form: Form):
    """践诺完成, with a summary of what was done."""
    summary = str(form.get("summary") or "").strip()
    if not summary:
        return await pledge_page(request, api, pledge_id, 422, error="请写明践诺情况小结后再点“践诺完成”")
    try:
        await api.post(f"/api/pledges/pledges/{pledge_id}/complete", {"summary": summary})
    except Refused as exc:
        error = said(exc, session.account.member_id or "")
        return await pledge_page(request, api, pledge_id, exc.status, typed={"summary": summary}, error=error)
    return redirect(f"/ws/pledges/{pledge_id}", notice="已报告践诺完成，等待评议")


@router.post("/pledges/{pledge_id}/revise", response_class=HTMLResponse)
async def revise(request: Request, pledge_id: str, session: Person, api: ApiAs, form: Form):
    """修改 a returned pledge as the return's reasons ask; it goes back to the secretary for review."""
    typed = {"items": items_typed(form), "due": str(form.get("due") or "").strip()}
    items, problem = items_checked(list(typed["items"]))  # type: ignore[arg-type]
    due, bad_date = date_typed(typed["due"])
    if problem or bad_date:
        return await pledge_page(request, api, pledge_id, 422, typed=typed, error=problem or bad_date)
    try:
        await api.post(f"/api/pledges/pledges/{pledge_id}/revise", {"items": items, "due": due})
    except Refused as exc:
        error = said(exc, session.account.member_id or "")
        return await pledge_page(request, api, pledge_id, exc.status, typed=typed, error=error)
    return redirect(f"/ws/pledges/{pledge_id}", notice="承诺已修改并重新提交，请等待党组织书记审核")
