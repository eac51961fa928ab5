"""Small helpers for the awards integration tests: the campaign timetable, moving 'today', tokens, calls."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 5, 1)  # nominating
RECOMMENDING = dt.date(2026, 6, 2)
PUBLICITY = dt.date(2026, 6, 12)
GRANT = dt.date(2026, 6, 28)
TIMETABLE = {
    "nomination_until": "2026-05-31",
    "publicity_from": "2026-06-10",
    "publicity_until": "2026-06-20",
    "grant_on": "2026-06-28",
}
ORG_TITLE = "先进基层党组织"
MEMBER_TITLE = "优秀共产党员"


def at(stack, day: dt.date) -> None:
    stack["awards"].app.today = lambda: day


def superior(stack, scope: str) -> dict:
    return stack.token("superior", f"sup-{scope}", [scope])


def admin(stack, scope: str) -> dict:
    return stack.token("org_admin", f"adm-{scope}", [scope])


async def call(
    stack, method: str, path: str, who: dict | None = None, status: int = 200, body: dict | None = None, **params
) -> dict:
    r = await stack.http.request(method, f"/api/awards{path}", json=body, headers=who or {}, params=params or None)
    assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
    if status >= 400:
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["title_zh"] and problem["title_en"]
    return r.json()


async def post(stack, path: str, body: dict | None, who: dict | None, status: int = 200) -> dict:
    return await call(stack, "POST", path, who, status, body)


async def get(stack, path: str, who: dict, status: int = 200, **params) -> dict:
    return await call(stack, "GET", path, who, status, **params)


def campaign_body(opener: str, scope: str, titles: list[dict], name: str = "2026年七一表彰") -> dict:
    return {
        "opener_org_id": opener,
        "scope": scope,
        "name": name,
        "kind": "qiyi",
        "year": 2026,
        "titles": titles,
        **TIMETABLE,
    }


def nomination_body(nominee: str, title: str = ORG_TITLE, kind: str = "org") -> dict:
    return {
        "title": title,
        "nominee_type": kind,
        "nominee_id": nominee,
        "deeds": f"{nominee} 带领群众共同致富，事迹突出",
    }


async def climb(stack, nomination_id: str, scopes_or_tokens: list) -> dict:
    """Pass a nomination at each level in turn (A3); returns the last answer."""
    answer: dict = {}
    for who in scopes_or_tokens:
        token = superior(stack, who) if isinstance(who, str) else who
        answer = await post(stack, f"/nominations/{nomination_id}/pass", {"comment": "同意推荐"}, token)
    return answer
