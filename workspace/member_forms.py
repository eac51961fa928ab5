"""What the member's pages share: the pledge's words in Chinese (from secretary_labels, the one place), the
items of a 提诺 / 修改 form read back from what was posted, and API refusals in a member's words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import Request

from shared.directory.people import shown

from .secretary_labels import FIVE_LEADS, KINDS, PLEDGE, PLEDGE_TONE, PLEDGER_KINDS
from .web import Refused, names_of, org_name

ITEM_ROWS = 3  # item rows on a form
FIELDS = {"trigger": "“因何而诺”", "due": "“完成期限”", "masses": "“参与群众”", "member_ids": "承诺人", "text": "内容"}
FORM_ERROR = "填写的内容有误：请检查每一栏（承诺事项写明内容并勾选“五带头”，日期按 2026-11-25 的格式）后重新提交"


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value in (None, "") else [value])


def said(exc: Refused, member_id: str) -> str:
    """An API refusal as the member reads it: field names in Chinese, "您" for the member's own id."""
    if exc.slug == "invalid-input":
        return FORM_ERROR
    zh = re.sub(r"[（(]\s*(" + "|".join(FIELDS) + r")\s*[）)]", "", exc.zh)
    zh = re.sub(r"\s*\b(" + "|".join(FIELDS) + r")\b\s*(字段)?", lambda m: FIELDS[m.group(1)], zh)
    return zh.replace(f"党员 {member_id} ", "您").replace(f"党员 {member_id}", "您")


def items_typed(form: dict) -> list[dict]:
    """The item rows as typed (shown again on a refusal): ``item-N`` text and ``tags-N`` 五带头 boxes."""
    return [
        {"text": str(form.get(f"item-{n}") or "").strip(), "tags": [t for t in as_list(form.get(f"tags-{n}"))]}
        for n in range(ITEM_ROWS)
    ]


def items_checked(rows: list[dict]) -> tuple[list[dict], str]:
    """The items to send (rows with text), or the sentence that says what to fix."""
    items = [r for r in rows if r["text"]]
    if not items:
        return [], "请至少填写一项承诺事项"
    for n, r in enumerate(rows, start=1):
        if r["text"] and not r["tags"]:
            return [], f"第 {n} 项承诺事项请至少勾选一项“五带头”"
        if any(t not in FIVE_LEADS for t in r["tags"]):
            return [], "请只勾选页面上列出的“五带头”"
    return items, ""


def date_typed(value: Any) -> tuple[str | None, str]:
    """A typed date as the API takes it (or None when blank), or the sentence that says how to write it."""
    text = str(value or "").strip()
    if not text:
        return None, ""
    try:
        return dt.date.fromisoformat(text).isoformat(), ""
    except ValueError:
        return None, f"日期“{text}”无法识别，请按 2026-11-25 的格式填写"


def named(request: Request, rows: list[dict]) -> list[dict]:
    """Pledges (ledger rows or pledge views) with what a member reads: pledgers' names, kind and state."""
    names = names_of(request, {m for r in rows for m in r["member_ids"]})
    for r in rows:
        r["pledgers"] = "、".join(shown(m, names) for m in r["member_ids"]) or org_name(request, r["org_id"])
        r["kind_zh"] = f"{PLEDGER_KINDS.get(r['pledger_kind'], '')} · {KINDS.get(r['kind'], r['kind'])}"
        r["state_zh"], r["tone"] = PLEDGE.get(r["state"], r["state"]), PLEDGE_TONE.get(r["state"], "")
    return rows


def member_of(session) -> tuple[str, str]:
    """(member id, org) of the logged-in member; anyone else is told where to go."""
    account = session.account
    if account.role != "member" or not account.member_id or not account.org:
        raise Refused(
            403,
            {
                "type": "not-member",
                "title_zh": "本页面供党员使用；请用党员本人的账号登录，或从首页的菜单进入您的页面",
                "title_en": "This page is for members",
            },
        )
    return account.member_id, account.org


FORM_WORDS = {"kinds": KINDS, "leads": FIVE_LEADS, "rows": range(ITEM_ROWS)}
